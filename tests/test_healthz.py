"""/healthz: what a load balancer and a monitoring probe see."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.urls import reverse

from unionportal.tasks import HEARTBEAT_CACHE_KEY, heartbeat

pytestmark = pytest.mark.django_db


def test_it_answers_an_anonymous_probe_with_database_ok(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["cache"] == "ok"
    # A probe must see the live state, never a cached copy.
    assert "no-cache" in response["Cache-Control"]


def test_it_reports_no_heartbeat_before_any_worker_ran(client):
    cache.delete(HEARTBEAT_CACHE_KEY)

    assert client.get(reverse("healthz")).json()["heartbeat_age_seconds"] is None


def test_it_reports_the_age_of_the_last_heartbeat(client):
    heartbeat()  # the task body, run here; test_celery_worker.py sends it through a real worker

    age = client.get(reverse("healthz")).json()["heartbeat_age_seconds"]

    assert 0 <= age < 5


def test_it_answers_503_when_the_database_is_down(client):
    # Patched only around the request: the test's own rollback needs a working cursor.
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["database"] == "error"


# --- what a monitoring probe must notice (unionportal/health.py) -------------------------------


@pytest.fixture
def worker_expected():
    """As in production with Redis: tasks go to a worker, so its heartbeat must be fresh."""
    from unionportal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_worker_that_never_ran_the_heartbeat_is_reported_with_503(client, worker_expected):
    cache.delete(HEARTBEAT_CACHE_KEY)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["heartbeat"] == "missing"


def test_a_stale_heartbeat_is_reported_with_its_age_and_503(client, worker_expected, settings):
    import time

    cache.set(HEARTBEAT_CACHE_KEY, time.time() - settings.HEARTBEAT_MAX_AGE - 60, timeout=None)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["heartbeat"] == "stale"
    assert response.json()["heartbeat_age_seconds"] > settings.HEARTBEAT_MAX_AGE


def test_a_fresh_heartbeat_is_healthy(client, worker_expected):
    heartbeat()

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["heartbeat"] == "ok"


def test_redis_down_is_reported_with_503_quickly(client, settings):
    import time

    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    started = time.monotonic()

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["redis"] == "error" and response.json()["database"] == "ok"
    assert time.monotonic() - started < 5
