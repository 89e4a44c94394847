"""BigCommerce sends money as decimal strings or numbers in major units; we keep integer minor
units, with the digits of api/domain/money.py (ISO 4217)."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from api.domain.money import exponent


def to_minor(value, currency: str) -> int:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        return 0
    return int((amount * (10 ** exponent(currency))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_major(minor: int, currency: str) -> float:
    return float(Decimal(minor) / (10 ** exponent(currency)))
