"""A reminder through the real broker: a `celery worker` process takes the dispatcher from Redis,
which enqueues its batch there; the same worker sends it into the email outbox (the file backend,
since a worker's memory is not the test's); running the dispatcher again sends nothing.

A second test kills a worker (SIGKILL) in the middle of a batch: Redis hands the unacknowledged
batch to the next worker once the visibility timeout passes, which sends the rest; nothing goes
twice. It runs twice: into the file backend (one database round trip, then the email), and over
SMTP into a local sink, as in production, where each email's claim overlaps its SMTP exchange
(notifications/marks.py).

The workers listen on a queue of their own, and the batches follow the dispatcher onto it.
It reads the test database, so the test commits its data (transactional) and needs a database
another process can open: PostgreSQL, or SQLite in a file (not the in-memory default).
"""

import email
import os
import subprocess
import sys
import time
import uuid
from email import policy
from pathlib import Path
from types import SimpleNamespace

import pytest
from celery.result import EagerResult
from django.conf import settings
from django.db import connection

from bench.smtp_sink import SmtpSink
from notifications.choices import DispatchStatus
from notifications.models import Notification, ReminderDispatch
from notifications.tasks import dispatch_reminders
from tests.ci import require
from unionportal.celery import app as celery_app

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

TIMEOUT = 60


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    require(bool(url), "REDIS_URL is not set: a real Celery worker needs Redis")
    return url


def database_url_for_another_process() -> str | None:
    """The URL of the test database as a second process must open it; None when it cannot."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        return f"sqlite:///{db['NAME']}"
    return None


@pytest.fixture
def broker_app(redis_url):
    keys = ("task_always_eager", "broker_url", "result_backend")
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(task_always_eager=False, broker_url=redis_url, result_backend=redis_url)
    yield celery_app
    celery_app.conf.update(saved)


@pytest.fixture
def start_worker(redis_url, transactional_db, tmp_path):
    """Start a `celery worker` process on this test's own queue, writing emails to one outbox;
    every worker started is stopped at the end."""
    database_url = database_url_for_another_process()
    if database_url is None:
        pytest.skip("The test database is SQLite in memory: a worker process cannot open it (use PostgreSQL)")
    queue = f"test-reminders-{uuid.uuid4().hex[:8]}"
    outbox = tmp_path / "outbox"
    started: list[subprocess.Popen] = []

    def start(name: str = "a", sink: SmtpSink | None = None, **extra_env) -> SimpleNamespace:
        log_path = tmp_path / f"worker-{name}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "unionportal", "worker",
            "--pool=solo", "--concurrency=1", "--queues", queue, "--hostname", f"{queue}-{name}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
        ]
        env = {
            **os.environ, "REDIS_URL": redis_url, "DATABASE_URL": database_url, "CONN_MAX_AGE": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(outbox),
            **extra_env,
        }
        if sink is not None:
            env.update(
                EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                EMAIL_PORT=str(sink.port), EMAIL_USE_TLS="0", EMAIL_HOST_USER="", EMAIL_HOST_PASSWORD="",
            )
        env.setdefault("DEBUG", "1")
        with log_path.open("wb") as log:
            process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        started.append(process)
        return SimpleNamespace(
            queue=queue, outbox=outbox, process=process, log=lambda: log_path.read_text(errors="replace"),
            delivered=(lambda: sink_messages(sink)) if sink is not None else (lambda: outbox_messages(outbox)),
        )

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def worker(start_worker):
    return start_worker()


def outbox_messages(outbox: Path) -> list:
    """Every message the file backend wrote (one file per SMTP connection, messages separated by dashes)."""
    messages = []
    for path in sorted(outbox.glob("*.log")) if outbox.exists() else []:
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.strip(), policy=policy.default))
    return messages


def sink_messages(sink: SmtpSink) -> list:
    return [email.message_from_bytes(data, policy=policy.default) for _sender, _recipients, data in list(sink.messages)]


def run_dispatcher(worker, day: str) -> dict:
    result = dispatch_reminders.apply_async(kwargs={"on": day, "form_code": "PL02"}, queue=worker.queue)
    assert not isinstance(result, EagerResult)  # through Redis, not in this process
    try:
        return result.get(timeout=TIMEOUT)
    except Exception:  # noqa: BLE001 - show the worker's side of the story
        pytest.fail(f"The dispatcher did not answer within {TIMEOUT}s. Worker log:\n{worker.log()}")
    finally:
        result.forget()


def wait_until_settled(worker, count: int, *, in_flight_allowed: int = 0) -> None:
    """Until `count` dispatches are done with (sent, or nobody to send to), allowing some left
    "sending" (in flight when a worker was killed)."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        done = ReminderDispatch.objects.exclude(status__in=[DispatchStatus.PENDING, DispatchStatus.SENDING]).count()
        in_flight = ReminderDispatch.objects.filter(status=DispatchStatus.SENDING).count()
        if done + min(in_flight, in_flight_allowed) >= count and not ReminderDispatch.objects.pending().exists():
            return
        assert worker.process.poll() is None, worker.log()
        time.sleep(0.2)
    pytest.fail(f"The batch was not sent within {TIMEOUT}s. Worker log:\n{worker.log()}")


def test_a_reminder_goes_through_the_broker_into_the_outbox_once(broker_app, worker, tree, actors, periods):
    counts = run_dispatcher(worker, "2026-11-20")
    wait_until_settled(worker, 6)  # every unit below TLĐ owes November; only A and B have an officer

    assert counts["reminders"] == 6 and counts["batches"] == 1
    assert ReminderDispatch.objects.filter(status=DispatchStatus.SENT).count() == 2
    messages = outbox_messages(worker.outbox)
    assert sorted(m["To"] for m in messages) == ["can_bo_a@example.vn", "can_bo_b@example.vn"]
    body = next(m for m in messages if m["To"] == "can_bo_a@example.vn").get_body(("plain",)).get_content()
    assert "Phụ lục 02 tháng 11/2026" in body and "25/11/2026" in body and "còn 5 ngày" in body
    assert len(list(worker.outbox.glob("*.log"))) == 1  # one batch, one SMTP connection
    assert Notification.objects.filter(user=actors.officer_a).count() == 1

    again = run_dispatcher(worker, "2026-11-20")
    time.sleep(2)  # nothing was enqueued; give a stray batch time to show up if there were one

    assert again["reminders"] == 0 and again["batches"] == 0
    assert len(outbox_messages(worker.outbox)) == 2
    assert Notification.objects.count() == 2
    assert worker.process.poll() is None, worker.log()


@pytest.fixture(params=["file", "smtp"])
def sink(request):
    """None: the workers write to the file backend; else the SMTP sink they send to."""
    if request.param == "file":
        yield None
        return
    with SmtpSink(keep=True) as sink:
        yield sink


def test_a_worker_killed_mid_batch_leaves_the_rest_to_the_next_one_and_nothing_goes_twice(
    broker_app, start_worker, tree, periods, sink
):
    from reporting.services import form_assign
    from tests.factories import UnitFactory, user_with_role

    unions = [UnitFactory(parent=tree.hospital, code=f"AG-BV-{n:02d}", name=f"Công đoàn khoa {n}") for n in range(12)]
    for n, union in enumerate(unions):
        user_with_role(union, username=f"can_bo_khoa_{n:02d}")
    form_assign(form=periods.november.form, units=unions, valid_from=periods.november.starts_on)
    # 3 emails a second, so the batch is still running when the worker is killed; a short
    # visibility timeout, so Redis hands the unacknowledged batch to the next worker quickly.
    slow = {"REMINDER_EMAIL_RATE": "3", "CELERY_VISIBILITY_TIMEOUT": "8"}
    first = start_worker("a", sink, **slow)

    dispatch_reminders.apply_async(kwargs={"on": "2026-11-20", "form_code": "PL02"}, queue=first.queue)
    deadline = time.monotonic() + TIMEOUT
    while len(first.delivered()) < 3:
        assert time.monotonic() < deadline and first.process.poll() is None, first.log()
        time.sleep(0.05)
    first.process.kill()  # SIGKILL: no goodbye, the batch is neither acknowledged nor finished
    first.process.wait()
    sent_before = len(first.delivered())
    time.sleep(8)  # the visibility timeout runs out
    second = start_worker("b", sink, **slow)

    wait_until_settled(second, 18, in_flight_allowed=1)  # 12 unions + the 6 units of the tree

    addresses = [m["To"] for m in second.delivered()]
    officer_of = {union.pk: f"can_bo_khoa_{n:02d}@example.vn" for n, union in enumerate(unions)}
    assert len(addresses) == len(set(addresses)), "an email went twice"
    # The one email in flight at the kill (or sent, its mark not yet written) stays "sending":
    # sent or not, never again. Every other union's officer got exactly one.
    in_flight = set(ReminderDispatch.objects.filter(status=DispatchStatus.SENDING).values_list("unit_id", flat=True))
    assert len(in_flight) <= 1
    assert set(officer_of.values()) - set(addresses) <= {officer_of[unit_id] for unit_id in in_flight}
    assert sent_before < len(addresses)  # the second worker sent the rest
    assert "send_reminder_batch" in second.log()
