"""Money is integer minor units of an ISO 4217 currency. How many digits a currency's minor unit
has is ISO 4217's "minor unit" column; this is the one table of it, used for platform amounts and
for every amount a shopper or merchant reads. Currencies not listed have two."""

# ISO 4217 currencies whose minor unit has 0 or 3 digits (the list as amended to 2024).
ZERO_DIGITS = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
               "VUV", "XAF", "XOF", "XPF"}
THREE_DIGITS = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}
FOUR_DIGITS = {"CLF", "UYW"}


def exponent(currency: str) -> int:
    currency = (currency or "").upper()
    if currency in ZERO_DIGITS:
        return 0
    if currency in THREE_DIGITS:
        return 3
    return 4 if currency in FOUR_DIGITS else 2
