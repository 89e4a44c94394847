import importlib
from types import SimpleNamespace

import pytest


def test_health_answers_ok(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_an_sqlite_older_than_3_38_is_refused_at_once(monkeypatch):
    database = importlib.import_module("api.db")  # `api.db` the attribute is the extension
    monkeypatch.setattr(database, "sqlite3", SimpleNamespace(sqlite_version_info=(3, 37, 2), sqlite_version="3.37.2"))
    with pytest.raises(RuntimeError, match="SQLite 3.37.2 is too old"):
        database.make_engine("sqlite://")
