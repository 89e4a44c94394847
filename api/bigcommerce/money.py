"""BigCommerce sends money as decimal strings or numbers in major units; we keep integer minor
units. ISO 4217 currencies without minor units are listed; the rest have two decimals."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO_DECIMAL = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND",
                "VUV", "XAF", "XOF", "XPF"}
THREE_DECIMAL = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}


def exponent(currency: str) -> int:
    currency = (currency or "").upper()
    return 0 if currency in ZERO_DECIMAL else 3 if currency in THREE_DECIMAL else 2


def to_minor(value, currency: str) -> int:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        return 0
    return int((amount * (10 ** exponent(currency))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_major(minor: int, currency: str) -> float:
    return float(Decimal(minor) / (10 ** exponent(currency)))
