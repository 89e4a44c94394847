"""Small helpers shared by the browser tests."""
from datetime import date
from pathlib import Path

from sqlalchemy import select

from api.models import Line, Order


def us_date(iso: str, today: date | None = None) -> str:
    """A date as the widget writes it for en-US: "Dec 4", or "Jan 1, 2027" in another year."""
    day = date.fromisoformat(iso)
    text = f"{day.strftime('%b')} {day.day}"
    return text if day.year == (today or date.today()).year else f"{text}, {day.year}"


def availability(demo, variant_id: int, quantity: int = 1) -> dict:
    with demo.app.test_client() as client:
        response = client.get(f"/api/v1/stores/demo-store/availability?variant_ids={variant_id}&quantity={quantity}")
    return response.get_json()["items"][0]


def lines_of(demo, order_id: int) -> list[Line]:
    """The order's lines as the database has them now."""
    with demo.app.app_context(), demo.app.extensions["database"].session() as session:
        order = session.scalar(select(Order).where(Order.order_id == order_id))
        lines = list(order.lines)
        for line in lines:
            session.expunge(line)
        return lines


def widget(page, kind: str):
    """The widget's box of one kind (product, card, orders, summary): Playwright's CSS locators
    reach into its open shadow root."""
    return page.locator(f"[data-backorder-desk={kind}]")


# The widget's size budget, gzipped (issue 4: at most 10 KB).
BUNDLE_BUDGET = 10 * 1024
BUNDLE = Path(__file__).resolve().parent.parent / "api" / "static" / "widget.js"
CLIENT_ID, CLIENT_SECRET = "e2e-client-id", "e2e-client-secret-that-is-32-bytes-long"
