"""PostgreSQL restarted while the portal serves.

The portal runs as in production (gunicorn, DEBUG off, persistent connections with health
checks) against a private PostgreSQL cluster of its own. The cluster is stopped: requests fail
at once and cleanly (503 with Retry-After and a Vietnamese page; /healthz 503 "database: error"),
none hangs. The cluster is started again: the same gunicorn process answers normally without
being restarted — CONN_HEALTH_CHECKS drops the dead connection and opens a new one.
"""

import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.urls import reverse

from tests.faults.servers import PrivatePostgres, free_port, wait_until

pytestmark = pytest.mark.faults

# A request must come back within this, database or not (DB_CONNECT_TIMEOUT is 3 s here).
ANSWER_WITHIN = 10


def get(url: str) -> tuple[int, dict, str, float]:
    """(status, headers, body, seconds) of a GET, whatever the status."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=ANSWER_WITHIN + 5) as response:
            status, headers, body = response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers), error.read().decode()
    return status, headers, body, time.monotonic() - started


@pytest.fixture
def postgres():
    server = PrivatePostgres().init()
    server.start()
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture
def portal(postgres, tmp_path):
    """gunicorn serving the portal on the private cluster (migrated first)."""
    env = {
        **os.environ, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(40), "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0", "STATIC_MANIFEST": "0",
        "DATABASE_URL": postgres.url, "CONN_MAX_AGE": "600", "DB_CONNECT_TIMEOUT": "3",
    }
    env.pop("REDIS_URL", None)  # this test is about the database: cache in memory, tasks in-process
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=settings.BASE_DIR, env=env, check=True,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "unionportal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--threads", "2", "--timeout", "60"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return get(base + "/healthz")[0] in (200, 503)
        except OSError:
            return False

    try:
        wait_until(up, timeout=60, what="gunicorn answering")
        yield base, process, lambda: log_path.read_text(errors="replace")
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_requests_fail_cleanly_during_a_restart_and_the_portal_recovers_by_itself(postgres, portal):
    base, process, log = portal
    catalogue = base + reverse("agreements:offer-list")
    status, _headers, body, _seconds = get(base + "/healthz")
    assert status == 200 and '"database": "ok"' in body, log()
    assert get(catalogue)[0] == 200, log()

    postgres.stop()

    status, headers, body, seconds = get(catalogue)
    assert status == 503, log()
    assert headers.get("Retry-After") == "30"
    assert "Hệ thống tạm gián đoạn" in body and 'data-testid="database-unavailable"' in body
    assert seconds < ANSWER_WITHIN
    status, _headers, body, seconds = get(base + "/healthz")
    assert status == 503 and '"database": "error"' in body and seconds < ANSWER_WITHIN

    postgres.start()

    status, _headers, body, _seconds = get(base + "/healthz")
    assert status == 200 and '"database": "ok"' in body, log()
    assert get(catalogue)[0] == 200, log()
    assert process.poll() is None  # the same server process: nobody restarted it
