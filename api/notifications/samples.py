"""Sample data for previewing every message (the console's Messages page): a believable order
line for each event, dated from today, so the merchant sees what a shopper would read."""
from datetime import date, timedelta

from api.notifications.catalog import LOCALES
from api.notifications.render import BUILDERS, MERCHANT_EVENTS

MERCHANT_ONLY = MERCHANT_EVENTS  # written to the merchant, in English, by email only


def locales_of(event: str) -> list[str]:
    return ["en"] if event in MERCHANT_ONLY else list(LOCALES)


def channels_of(event: str) -> list[str]:
    return ["email"] if event in MERCHANT_ONLY else ["email", "sms"]


def events() -> list[str]:
    return sorted(BUILDERS)


def sample_payload(event: str, locale: str, today: date, currency: str = "EUR") -> dict:
    def day(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    eta = {"date": day(14), "source": "inbound"}
    base = {"order_id": 1042, "customer_id": None, "email": "ada@example.com", "phone": "+14155550123",
            "first_name": "Ada", "locale": locale, "line_id": None, "name": "Merino Tee, Grey, M", "sku": "TEE-GR-M",
            "quantity": 2, "unit_price": 4500, "currency": currency}
    extra = {
        "backorder_placed": {"lines": [{"line_id": None, "name": base["name"], "sku": base["sku"], "quantity": 2,
                                        "unit_price": 4500, "currency": currency, "quantity_backordered": 2,
                                        "eta": eta}]},
        "eta_changed": {"old_eta": eta, "new_eta": {"date": day(21), "source": "inbound"}},
        "allocated": {"state": "allocated"},
        "payment_requested": {"amount": 9000, "payment_url": "https://shop.example/pay", "hold_until": day(3) + "T12:00:00"},
        "payment_reminder": {"amount": 9000, "payment_url": "https://shop.example/pay", "hold_until": day(1) + "T12:00:00"},
        "hold_expired": {"hold_until": day(0) + "T12:00:00"},
        "shipped": {"tracking_number": "1Z999AA10123456784", "carrier": "UPS",
                    "tracking_url": "https://www.ups.com/track?tracknum=1Z999AA10123456784"},
        "cancelled": {"refund": {"amount": 9000, "currency": currency, "status": "confirmed"}},
        "switched": {"to_name": "Merino Tee, Navy, M", "price_difference": -500,
                     "refund": {"amount": 500, "currency": currency, "status": "confirmed"}},
        "payment_mode_changed": {"mode": "pay_later", "refund": {"amount": 9000, "currency": currency}},
        "payment_received": {"amount": 9000},
        "restock": {"subscription_id": 0, "url": "https://shop.example/merino-tee"},
        "delay_incentive": {"code": "SORRY-10", "kind": "discount", "percent_off": 10,
                            "first_promised_on": day(-7), "eta": {"date": day(10), "source": "inbound"}},
        "merchant_digest": {"date": day(0), "new_backorders": [], "overdue": [], "refunds": []},
        "inbound_overdue": {"variant_id": 4711, "expected_on": day(-2), "quantity": 24},
        "refund_failed": {"amount": 4500, "currency": currency, "reason": "The card was declined."},
        "refund_made": {"amount": 9000, "reason": "cancel"},
        "refund_failed": {"amount": 9000, "reason": "cancel", "refund_id": 0,
                          "error": "The payment provider declined the refund: Card expired"},
        "order_edit_failed": {"to_name": "Merino Tee, Navy, M", "amount": 500,
                              "error": "BigCommerce did not confirm the order edit."},
        "inbound_overdue": {"inbound_id": 0, "variant_id": 0, "expected_on": day(-2)},
        "purchase_order_sent": {"email": "orders@supplier.example", "purchase_order_id": 0,
                                "reference": "Reorder " + day(0), "supplier": "Merino Mills",
                                "expected_on": day(14), "lines": [
                                    {"sku": "TEE-GR-M", "name": "Merino Tee, Grey, M", "variant_id": 4711,
                                     "quantity": 24, "expected_on": day(14)},
                                    {"sku": "TEE-NV-M", "name": "Merino Tee, Navy, M", "variant_id": 4712,
                                     "quantity": 12, "expected_on": day(14)}]},
    }
    return {**base, **extra.get(event, {})}
