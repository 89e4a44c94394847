"""Why a variant is backordered, as the merchant picks it, in the shopper's language. The
merchant chooses a reason code (or "other" with their own words); shoppers read it on the
product page, on their order page and in emails."""
CODES = ("unexpected_demand", "supplier_delay", "production_issue", "new_release", "other")
LANGUAGES = ("en", "de", "fr", "es")

LABELS = {
    "en": {"unexpected_demand": "Demand was higher than expected", "supplier_delay": "Our supplier is running late",
           "production_issue": "There is a problem in production", "new_release": "It is a new release"},
    "de": {"unexpected_demand": "Die Nachfrage war höher als erwartet", "supplier_delay": "Unser Lieferant ist in Verzug",
           "production_issue": "Es gibt ein Problem in der Produktion", "new_release": "Es ist eine Neuerscheinung"},
    "fr": {"unexpected_demand": "La demande a dépassé nos prévisions", "supplier_delay": "Notre fournisseur a du retard",
           "production_issue": "Un problème est survenu en production", "new_release": "C’est une nouveauté"},
    "es": {"unexpected_demand": "La demanda ha sido mayor de lo previsto", "supplier_delay": "Nuestro proveedor se ha retrasado",
           "production_issue": "Hay un problema en la producción", "new_release": "Es una novedad"},
}


def language(locale: str | None) -> str:
    """en, de, fr or es from a locale such as de-AT; English otherwise."""
    code = (locale or "en").split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else "en"


def reason_text(code: str, text: str, locale: str | None) -> str:
    """The reason a shopper reads: the code's label in their language, or the merchant's own
    words for "other" (and for a reason given as text only)."""
    if code and code != "other":
        return LABELS[language(locale)][code]
    return text
