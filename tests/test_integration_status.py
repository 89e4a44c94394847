"""The integration status of a local-platform store (BigCommerce stores: test_bigcommerce_install)."""
import pytest


def test_a_local_store_gets_the_snippet_to_paste_and_no_webhooks(client, admin):
    response = client.get("/api/v1/admin/integration", headers=admin)
    assert response.status_code == 200
    assert response.get_json() == {
        "platform": "local", "script": {"installed": None, "uuid": ""},
        "snippet": '<script src="http://app.test/widget.js" data-store="store-a" defer></script>',
        "webhooks": None, "last_reconciled_at": None,
    }


def test_each_store_sees_its_own_snippet(client, other_admin):
    assert 'data-store="store-b"' in client.get("/api/v1/admin/integration", headers=other_admin).get_json()["snippet"]


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-key", "Bearer bdc_not-a-session"])
def test_integration_needs_a_valid_credential(client, store_and_key, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    assert client.get("/api/v1/admin/integration", headers=headers).status_code == 401
