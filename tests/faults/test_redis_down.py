"""Redis down: the portal keeps serving and saving, tasks wait and go out when Redis is back,
and /healthz says so.

The portal (Django's test client, the test database) uses a private Redis as its cache, Celery
broker and result backend, as production does; the private Redis is stopped and started again.
"""

import json
from datetime import date

import pytest
from django.core.cache import cache as django_cache
from django.urls import reverse
from kombu import pools

from outbox.models import PendingTask
from outbox.services import enqueue, outbox_flush
from reporting.compliance_export import export_job_start
from reporting.models import ExportJob, SubmissionValue
from reporting.services import form_assign, submission_open
from tests.faults.servers import PrivateRedis
from unionportal.celery import app as celery_app
from unionportal.tasks import heartbeat

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


def reset_celery_connections() -> None:
    """Forget pooled broker connections and the result backend, so the next send uses the new URLs."""
    # kombu keeps one pool per broker URL in a process-wide registry: closing the app's pool alone
    # would leave a closed pool there for the next test on the same URL ("Acquire on closed pool").
    pools.reset()
    celery_app._pool = None
    if "amqp" in celery_app.__dict__:
        celery_app.amqp._producer_pool = None
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


@pytest.fixture
def redis_server():
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture
def on_private_redis(redis_server, settings, monkeypatch):
    """Cache, broker and result backend on the private Redis; tasks go to a broker, not in-process."""
    settings.REDIS_URL = redis_server.url
    settings.CACHES = {"default": {
        "BACKEND": "unionportal.cache.ResilientRedisCache", "LOCATION": redis_server.url,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }}
    # The catalogue's cache is swapped for a private one in every test (tests/conftest.py): use the real one.
    monkeypatch.setattr("agreements.selectors.cache", django_cache)
    keys = ("task_always_eager", "broker_url", "result_backend")
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(task_always_eager=False, broker_url=redis_server.url, result_backend=redis_server.url)
    reset_celery_connections()
    yield redis_server
    celery_app.conf.update(saved)
    reset_celery_connections()


def queued_tasks(server) -> list[tuple[str, list]]:
    """(task name, args) of every message waiting in Celery's default queue on `server`."""
    found = []
    for raw in server.client().lrange("celery", 0, -1):
        message = json.loads(raw)
        body = message["body"]
        if message.get("properties", {}).get("body_encoding") == "base64":
            import base64

            body = base64.b64decode(body)
        args = json.loads(body)[0]
        found.append((message["headers"]["task"], args))
    return found


def test_with_redis_down_pages_and_draft_saves_work_and_healthz_says_503(client, tree, actors, forms, november,
                                                                          on_private_redis):
    form_assign(form=forms["PL02"], units=[tree.company_a], valid_from=date(2026, 1, 1))
    draft = submission_open(unit=tree.company_a, period=november, by=actors.officer_a)
    client.force_login(actors.officer_a)
    assert client.get(reverse("agreements:offer-list")).status_code == 200  # fills the cache

    on_private_redis.stop()

    assert client.get(reverse("agreements:offer-list")).status_code == 200
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("reporting:submission-save", args=[draft.pk]),
                           {"version": draft.version, "v.loans.value": "15"})
    assert response.status_code == 302
    assert SubmissionValue.objects.get(submission=draft, row__key="loans").number == 15
    health = client.get(reverse("healthz"))
    assert health.status_code == 503
    assert health.json()["redis"] == "error" and health.json()["database"] == "ok"
    assert health.json()["heartbeat"] == "missing"  # unknown while Redis, where it is kept, is down

    on_private_redis.start()
    heartbeat()  # what a worker does every 5 minutes

    health = client.get(reverse("healthz"))
    assert health.status_code == 200 and health.json()["redis"] == "ok" and health.json()["heartbeat"] == "ok"


def test_a_task_enqueued_while_redis_is_down_waits_and_goes_out_when_it_is_back(
    tree, actors, november, on_private_redis, django_capture_on_commit_callbacks
):
    on_private_redis.stop()

    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_start(user=actors.reviewer_an_giang, unit=tree.an_giang, period=november, filters={},
                               total_rows=5000)

    waiting = PendingTask.objects.get()
    assert (waiting.task, waiting.args, waiting.attempts) == ("reporting.tasks.run_export_job", [job.pk], 1)
    assert ExportJob.objects.filter(pk=job.pk).exists()  # the user's request went through

    on_private_redis.start()
    assert outbox_flush(settle_seconds=0) == 1  # what beat runs every minute

    assert not PendingTask.objects.exists()
    assert queued_tasks(on_private_redis) == [("reporting.tasks.run_export_job", [job.pk])]


def test_the_first_send_after_redis_is_back_takes_what_waited_along(on_private_redis,
                                                                    django_capture_on_commit_callbacks):
    on_private_redis.stop()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(heartbeat)
    assert PendingTask.objects.count() == 1

    on_private_redis.start()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(heartbeat)

    assert not PendingTask.objects.exists()
    assert [name for name, _args in queued_tasks(on_private_redis)] == ["unionportal.tasks.heartbeat"] * 2

