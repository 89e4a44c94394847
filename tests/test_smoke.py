def test_health_answers_ok(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
