"""A real Celery worker consumes a task from Redis and /healthz sees its heartbeat.

The worker is a separate `celery -A unionportal worker` process, started the way production
starts it, on a queue of its own so that a `make worker` on the same Redis cannot take the task.
Without REDIS_URL there is nothing to test against: skipped locally, a failure in CI.
"""

import os
import subprocess
import sys
import time
import uuid
from types import SimpleNamespace

import pytest
from celery.exceptions import TimeoutError as CeleryTimeoutError
from celery.result import EagerResult
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from tests.ci import require
from unionportal.celery import app as celery_app
from unionportal.tasks import HEARTBEAT_CACHE_KEY, heartbeat

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db]

RESULT_TIMEOUT = 60


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    require(bool(url), "REDIS_URL is not set: a real Celery worker needs Redis")
    return url


@pytest.fixture
def broker_app(redis_url):
    """The portal's Celery app sending through Redis, whatever an earlier test configured."""
    keys = ("task_always_eager", "broker_url", "result_backend")
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(task_always_eager=False, broker_url=redis_url, result_backend=redis_url)
    yield celery_app
    celery_app.conf.update(saved)


@pytest.fixture
def worker(redis_url, tmp_path):
    queue = "test-heartbeat"
    log_path = tmp_path / "worker.log"
    command = [
        sys.executable, "-m", "celery", "-A", "unionportal", "worker",
        "--pool=solo", "--concurrency=1", "--queues", queue, "--hostname", f"{queue}-{uuid.uuid4().hex[:8]}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env={**os.environ, "REDIS_URL": redis_url},
            stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        yield SimpleNamespace(queue=queue, process=process, log=lambda: log_path.read_text(errors="replace"))
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_real_worker_runs_heartbeat_and_healthz_reports_it(broker_app, worker, client):
    cache.delete(HEARTBEAT_CACHE_KEY)
    sent_at = time.time()

    result = heartbeat.apply_async(queue=worker.queue)
    try:
        beat = result.get(timeout=RESULT_TIMEOUT)
    except CeleryTimeoutError:
        pytest.fail(f"No result from the worker within {RESULT_TIMEOUT}s. Worker log:\n{worker.log()}")

    assert not isinstance(result, EagerResult)  # it went through Redis, not run in this process
    assert worker.process.poll() is None, worker.log()  # the worker answered, it did not crash
    assert sent_at <= beat <= time.time()
    # The worker process wrote the heartbeat into the shared Redis cache.
    assert cache.get(HEARTBEAT_CACHE_KEY) == pytest.approx(beat)

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["cache"] == "ok"
    assert 0 <= response.json()["heartbeat_age_seconds"] < 10
    result.forget()
