"""The one place the domain asks for the time, so tests can freeze it."""
from datetime import UTC, date, datetime

_frozen: datetime | None = None


def utcnow() -> datetime:
    """Naive UTC: every stored time is UTC."""
    return _frozen if _frozen is not None else datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return utcnow().date()


def freeze(moment: datetime | None) -> None:
    global _frozen
    _frozen = moment
