"""BigCommerce's dates: RFC 2822 strings in the V2 API ("Tue, 20 Nov 2012 00:00:00 +0000"), in
filters and in answers. Used by the sync and by the commerce adapter alike."""
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime


def bigcommerce_date(moment: datetime) -> str:
    """A naive UTC datetime as BigCommerce writes it."""
    return format_datetime(moment.replace(tzinfo=UTC), usegmt=True)


def parse_bigcommerce_date(text) -> datetime | None:
    """A BigCommerce date as a naive UTC datetime; None when missing or unreadable."""
    try:
        return parsedate_to_datetime(text).astimezone(UTC).replace(tzinfo=None)
    except (TypeError, ValueError):
        return None
