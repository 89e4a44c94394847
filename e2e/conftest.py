"""End-to-end fixtures: the real app serving the demo storefront on an ephemeral loopback port
(fresh SQLite database, demo store seeded anew for every test), and headless Chromium driven by
Playwright. Debian's /usr/bin/chromium is used when present, else Playwright's own browser.
Without a browser the tests are skipped with the reason locally and fail under CI=true.
A failing test leaves a screenshot in e2e/artifacts/."""
import os
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from api import create_app
from api.demo.seed import seed
from api.models import Base
from e2e_support import BUNDLE, CLIENT_ID, CLIENT_SECRET

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " (CI=true: browser tests may not be skipped)")
    pytest.skip(reason)


class LiveDemo:
    """The running demo: its base URL, the app (for database access) and the admin API key."""

    def __init__(self, app, url):
        self.app, self.url = app, url
        self.admin_key = None

    def reset(self):
        engine = self.app.extensions["database"].engine
        with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())
        with self.app.app_context(), self.app.extensions["database"].transaction() as session:
            self.admin_key = seed(session, self.url)["admin_api_key"]

    def admin(self, method, path, **kwargs):
        with self.app.test_client() as client:
            return client.open(path, method=method, headers={"Authorization": f"Bearer {self.admin_key}", **kwargs.pop("headers", {})}, **kwargs)


@pytest.fixture(scope="session")
def live_demo(tmp_path_factory):
    if not BUNDLE.exists():
        _unavailable("The widget bundle is missing: run `npm ci && npm run build` first")
    database = tmp_path_factory.mktemp("e2e") / "demo.sqlite3"
    app = create_app({
        "DATABASE_URL": f"sqlite:///{database}", "DEMO_MODE": True, "TESTING": True,
        "SECRET_KEYS": ["e2e-secret"], "BIGCOMMERCE_CLIENT_ID": CLIENT_ID,
        "BIGCOMMERCE_CLIENT_SECRET": CLIENT_SECRET, "RATELIMIT_ENABLED": False,
    })
    Base.metadata.create_all(app.extensions["database"].engine)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["APP_URL"] = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveDemo(app, url)
    server.shutdown()
    app.extensions["database"].engine.dispose()


@pytest.fixture
def demo(live_demo):
    """The demo store, freshly seeded."""
    live_demo.reset()
    return live_demo


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    playwright = sync_playwright().start()
    executable = CHROMIUM if os.path.exists(CHROMIUM) else None
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
    except Exception as error:  # noqa: BLE001 - any launch failure means "no browser here"
        playwright.stop()
        _unavailable(f"No Chromium to run: install Debian's chromium or `playwright install chromium` ({type(error).__name__})")
    yield browser
    browser.close()
    playwright.stop()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "report_" + report.when, report)


@pytest.fixture
def page(browser, demo, request):
    """A fresh browser page (1280×800, English) on the demo; errors on the page are collected in
    page.errors. A failing test saves a full-page screenshot in e2e/artifacts/."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    context.set_default_timeout(10000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("dialog", lambda dialog: (page.errors.append("dialog: " + dialog.message), dialog.dismiss()))
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def bigcommerce_store(live_demo, monkeypatch):
    """An empty app (no demo store, so the demo mailbox shows the installed store's mail) wired to
    a running fake BigCommerce (the API suite's, tests/fake_bigcommerce.py) that knows the app's
    client id and secret."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from fake_bigcommerce import FakeBigCommerce

    engine = live_demo.app.extensions["database"].engine
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    fake = FakeBigCommerce(CLIENT_ID, CLIENT_SECRET).start()
    for key in ("BIGCOMMERCE_API_URL", "BIGCOMMERCE_LOGIN_URL"):
        monkeypatch.setitem(live_demo.app.config, key, fake.url)
    monkeypatch.setattr("api.bigcommerce.client.sleep", lambda seconds: None)
    yield fake
    fake.stop()
    assert fake.errors == [], "requests that break BigCommerce's API descriptions"
