"""The widget bundle as served (/widget.js), its size budget, and the demo-only routes. No browser."""
import gzip
import hashlib

import jwt
import pytest

from api.blueprints import service
from e2e_support import ACCOUNT_CHUNK_BUDGET, BUNDLE, BUNDLE_BUDGET, CHUNKS, CLIENT_ID, CLIENT_SECRET


def _gzipped(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=9))


def test_a_product_page_downloads_at_most_6_kb_of_widget_gzipped(live_demo):
    """widget.js and one language's strings, whichever language; every chunk's size is printed."""
    with live_demo.app.test_client() as client:
        main = _gzipped(client.get("/widget.js").data)
        sizes = {path.name: _gzipped(client.get(f"/widget/{path.name}").data) for path in sorted(CHUNKS.glob("*.js"))}
    print(f"\nwidget.js: {main} bytes gzipped")
    for name, size in sizes.items():
        print(f"widget/{name}: {size} bytes gzipped")
    strings = {name: size for name, size in sizes.items() if name.startswith("strings-")}
    accounts = {name: size for name, size in sizes.items() if name.startswith("account-")}
    assert len(strings) == len(accounts) == 4
    print(f"product page: at most {main + max(strings.values())} bytes (budget {BUNDLE_BUDGET}); "
          f"account chunk: at most {max(accounts.values())} bytes (budget {ACCOUNT_CHUNK_BUDGET})")
    assert main + max(strings.values()) <= BUNDLE_BUDGET
    assert max(accounts.values()) <= ACCOUNT_CHUNK_BUDGET


def test_chunks_are_served_cacheable_for_good_and_unknown_ones_are_404(live_demo):
    name = next(CHUNKS.glob("account-de.*.js")).name
    with live_demo.app.test_client() as client:
        response = client.get(f"/widget/{name}")
        assert response.status_code == 200 and response.mimetype == "text/javascript"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.data == (CHUNKS / name).read_bytes()
        for missing in ("account-de.0000000000.js", "account-xx.abc.js", "secret.abc.js", "account-de..js"):
            assert client.get(f"/widget/{missing}").status_code == 404, missing


def test_widget_is_served_with_its_content_hash_for_caching(live_demo):
    digest = hashlib.sha256(BUNDLE.read_bytes()).hexdigest()[:16]
    with live_demo.app.test_client() as client:
        response = client.get("/widget.js")
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        assert response.headers["ETag"] == f'"{digest}"'
        assert response.headers["Cache-Control"] == "public, max-age=300"
        assert response.headers["X-Widget-Hash"] == digest
        assert client.get("/widget.js", headers={"If-None-Match": f'"{digest}"'}).status_code == 304
        pinned = client.get(f"/widget.{digest}.js")
        assert pinned.status_code == 200 and pinned.data == response.data
        assert pinned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert client.get("/widget.0000000000000000.js").status_code == 404


def test_missing_bundle_answers_a_clear_error_never_a_script(live_demo, monkeypatch, tmp_path):
    monkeypatch.setattr(service, "WIDGET_PATH", tmp_path / "widget.js")
    with live_demo.app.test_client() as client:
        response = client.get("/widget.js")
    assert response.status_code == 503
    assert response.mimetype == "application/json"
    assert "npm run build" in response.get_json()["message"]


def test_demo_routes_exist_only_in_demo_mode(live_demo, monkeypatch):
    monkeypatch.setitem(live_demo.app.config, "DEMO_MODE", False)
    with live_demo.app.test_client() as client:
        for path in ("/", "/demo/", "/demo/products/101", "/demo/console", f"/customer/current.jwt?app_client_id={CLIENT_ID}"):
            assert client.get(path).status_code == 404, path


def test_root_redirects_to_the_demo_keeping_the_query(demo):
    with demo.app.test_client() as client:
        response = client.get("/?bd_order=abc.def")
    assert response.status_code == 302
    assert response.headers["Location"] == "/demo/?bd_order=abc.def"


def test_the_stores_account_path_leads_to_the_demo_account_pages(demo):
    with demo.app.test_client() as client:
        response = client.get("/account.php?action=view_order&order_id=1001")
    assert response.status_code == 302
    assert response.headers["Location"] == "/demo/account.php?action=view_order&order_id=1001"


def test_current_customer_jwt_is_signed_for_the_app_like_bigcommerce(demo):
    with demo.app.test_client() as client:
        assert client.get("/customer/current.jwt?app_client_id=another-app").status_code == 404
        token = client.get(f"/customer/current.jwt?app_client_id={CLIENT_ID}").get_data(as_text=True)
    claims = jwt.decode(token, CLIENT_SECRET, algorithms=["HS256"], audience=CLIENT_ID)
    assert claims["customer"]["id"] == 1 and claims["customer"]["email"] == "ada@example.com"
    assert (claims["iss"], claims["store_hash"], claims["operation"]) == ("bc/apps", "demo-store", "current_customer")
    assert claims["exp"] - claims["iat"] == 900


@pytest.mark.parametrize("form", [{"variant_id": "10501", "qty[]": "0"}, {"variant_id": "x", "qty[]": "1"}, {}])
def test_demo_checkout_refuses_bad_input_with_a_clear_4xx(demo, form):
    with demo.app.test_client() as client:
        response = client.post("/demo/checkout", data=form)
    assert response.status_code == 422
    assert b"Choose an option and a quantity" in response.data
