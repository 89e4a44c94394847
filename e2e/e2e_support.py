"""Small helpers shared by the browser tests."""
from datetime import date
from pathlib import Path

from sqlalchemy import select

from api.jobs import run_due_jobs
from api.models import Line, Order
from api.notifications.worker import Worker


def us_date(iso: str, today: date | None = None) -> str:
    """A date as the widget writes it for en-US: "Dec 4", or "Jan 1, 2027" in another year."""
    day = date.fromisoformat(iso)
    text = f"{day.strftime('%b')} {day.day}"
    return text if day.year == (today or date.today()).year else f"{text}, {day.year}"


def availability(demo, variant_id: int, quantity: int = 1) -> dict:
    with demo.app.test_client() as client:
        response = client.get(f"/api/v1/stores/demo-store/availability?variant_ids={variant_id}&quantity={quantity}")
    return response.get_json()["items"][0]


def run_jobs(demo) -> None:
    """What the worker does in the background, once: refunds, payment requests, holds."""
    with demo.app.app_context():
        run_due_jobs(demo.app.extensions["database"])


def deliver_mail(app) -> None:
    """The outbox worker, once: every due job, then every due message (to the demo mailbox)."""
    Worker.for_app(app).run(once=True)


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


# The widget's size budgets, gzipped (issue 11): what a product or category page downloads (the
# main bundle and one language's strings) and the account chunk that account pages add to it.
BUNDLE_BUDGET = 6144
ACCOUNT_CHUNK_BUDGET = 6144
BUNDLE = Path(__file__).resolve().parent.parent / "api" / "static" / "widget.js"
CHUNKS = BUNDLE.parent / "widget"
CLIENT_ID, CLIENT_SECRET = "e2e-client-id", "e2e-client-secret-that-is-32-bytes-long"
