"""Several API processes share one set of rate-limit counters through Redis
(RATELIMIT_STORAGE_URI), as README's deployment section promises. Needs the Redis server at
TEST_REDIS_URL (default redis://127.0.0.1:6379/15, a database this test empties); without one
the test is skipped with the reason, except in CI, where that fails."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
COMMAND = str(Path(sys.executable).with_name("backorder-desk"))


@pytest.fixture
def redis_url():
    import redis

    try:
        connection = redis.Redis.from_url(REDIS_URL)
        connection.flushdb()
    except redis.RedisError as error:
        reason = f"Redis not reachable at {REDIS_URL}: {type(error).__name__}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (CI=true: may not be skipped)")
        pytest.skip(reason)
    yield REDIS_URL
    connection.flushdb()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read()
        try:
            if requests.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)  # polling a starting server, bounded by the deadline
    raise AssertionError(f"{base} did not become healthy")


def test_two_api_processes_share_the_session_rate_limit_through_redis(tmp_path, redis_url, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "APP_URL")},
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": "sqlite:///" + str(tmp_path / "shared.sqlite3"),
        "SECRET_KEYS": "rate-limit-test",
        "RATELIMIT_STORAGE_URI": redis_url,
        "SESSION_RATE_LIMIT": "3 per minute",
    }
    subprocess.run([COMMAND, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=60)
    subprocess.run([COMMAND, "store", "create", "--hash", "shop", "--origin", "https://shop.example"],
                   env=env, check=True, capture_output=True, timeout=60)
    servers, bases = [], []
    try:
        for _ in range(2):
            port = free_port()
            servers.append(subprocess.Popen(
                [COMMAND, "serve", "--port", str(port), "--workers", "1"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            ))
            bases.append(f"http://127.0.0.1:{port}")
        for base, server in zip(bases, servers):
            wait_until_healthy(base, server)

        answers = [
            requests.post(f"{base}/api/v1/stores/shop/sessions", json={"customer_jwt": "x"}, timeout=5).status_code
            for base in (bases[0], bases[1], bases[0], bases[1])
        ]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    # Three attempts (across both processes) are refused for the bad token; the fourth is limited.
    assert answers == [401, 401, 401, 429]
