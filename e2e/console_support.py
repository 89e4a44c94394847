"""The merchant console as BigCommerce's control panel shows it: the control panel's page (served
by Playwright at the store's control-panel origin) frames the app's URL, so the console runs in a
cross-origin iframe under its real Content-Security-Policy, holding its session in memory."""
import re
import time
from pathlib import Path

import jwt
from playwright.sync_api import expect

from e2e_support import CLIENT_ID, CLIENT_SECRET

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
USER = {"id": 4201, "email": "merchant@northwind.example", "locale": "en"}


def control_panel_url(store_hash: str) -> str:
    return f"https://store-{store_hash}.mybigcommerce.com/manage/app/42"


def signed_payload(store_hash: str, user: dict = USER) -> str:
    now = int(time.time())
    claims = {"aud": CLIENT_ID, "iss": "bc", "iat": now, "nbf": now - 5, "exp": now + 300, "jti": f"load-{now}",
              "sub": f"stores/{store_hash}", "user": user, "owner": user, "url": "/"}
    return jwt.encode(claims, CLIENT_SECRET, algorithm="HS256")


def frame_app(page, store_hash: str, app_url: str):
    """Open the control panel page that frames `app_url`; returns the app's frame (a FrameLocator)."""
    html = (f'<!doctype html><html lang="en"><head><title>Apps - BigCommerce</title></head><body>'
            f'<h1>Control panel</h1><iframe title="Backorder Desk" src="{app_url}" '
            f'style="width:100%;height:760px;border:0"></iframe></body></html>')
    page.context.grant_permissions(["local-network-access"], origin=f"https://store-{store_hash}.mybigcommerce.com")
    page.route(control_panel_url(store_hash), lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    page.goto(control_panel_url(store_hash))
    return page.frame_locator("iframe[title='Backorder Desk']")


def open_console(page, demo, store_hash: str = "demo-store", hash_path: str = ""):
    """The merchant opens the app from the control panel (GET /bigcommerce/load with a signed payload)."""
    frame = frame_app(page, store_hash, f"{demo.url}/bigcommerce/load?signed_payload_jwt={signed_payload(store_hash)}{hash_path}")
    expect(frame.get_by_role("navigation", name="Backorder Desk")).to_be_visible()
    return frame


def go(frame, title: str):
    """Follow the console's left navigation to a page and wait for its heading."""
    frame.get_by_role("navigation", name="Backorder Desk").get_by_role("link", name=title, exact=True).click()
    expect(frame.get_by_role("heading", level=1, name=title)).to_be_visible()


def app_frame(page):
    """The console's Frame object (for evaluating scripts in it)."""
    [frame] = [each for each in page.frames if re.search(r"/(bigcommerce|console)/", each.url)]
    return frame


FINITE_ANIMATIONS_DONE = """() => Promise.all(document.getAnimations()
    .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
    .map((a) => a.finished.catch(() => null)))"""


def axe_violations(frame) -> list[dict]:
    """Serious and critical axe-core violations in the frame. axe is evaluated through the DevTools
    protocol, which the page's CSP (script-src 'self') does not govern."""
    if frame.evaluate("() => typeof axe") == "undefined":
        frame.evaluate(AXE.read_text() + "\n;0")
    # Colours are checked at rest: a BigDesign button fading in from its mount reads, for a few
    # milliseconds, as white on a blue between two of its shades (CI saw 4.3:1 once).
    frame.evaluate(FINITE_ANIMATIONS_DONE)
    result = frame.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


FOCUSED_NAME = r"""() => {
    const e = document.activeElement;
    if (!e) return '';
    const label = e.labels && e.labels.length ? e.labels[0].textContent : '';
    return (e.getAttribute('aria-label') || label || e.textContent || '').replace(/ \*$/, '').trim();
}"""


def tab_to(page, frame, name: str, limit: int = 80):
    """Press Tab until the focused element in the console is the one named `name` (aria-label,
    label or text), as a keyboard user would; fails if it is never reached."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = frame.evaluate(FOCUSED_NAME)
        if focused == name:
            return
    raise AssertionError(f"{name!r} cannot be reached with the Tab key")
