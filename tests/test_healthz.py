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
