"""Handing background tasks to Celery so that none is lost while Redis is down.

`enqueue(task, args=...)` replaces `transaction.on_commit(lambda: task.delay(...))`: the task is
written to the outbox (PendingTask) in the caller's transaction, then sent once it commits. If
Redis cannot take it, the request still succeeds and the task waits; `outbox_flush` sends what
waits, oldest first, from beat every minute and after any later send that went through. A task
may so reach a worker twice in a rare race (sent, then the process died before deleting the
row): every task enqueued this way must be safe to run twice, as acks_late tasks already are.

Without a broker (no REDIS_URL: tasks run eagerly in the web process) there is nothing to wait
for: the task simply runs on commit, as before.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import current_app
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from outbox.models import PendingTask

log = logging.getLogger("outbox")

# A row younger than this may still be on its way out through its own on_commit send.
SETTLE_SECONDS = 30


def enqueue(task, *, args: list | tuple = (), kwargs: dict | None = None, **options) -> PendingTask | None:
    """Send `task` once the current transaction commits; kept in the outbox until Redis takes it."""
    if current_app.conf.task_always_eager:
        transaction.on_commit(lambda: task.apply_async(args=list(args), kwargs=kwargs or {}, **options))
        return None
    pending = PendingTask.objects.create(task=task.name, args=list(args), kwargs=kwargs or {}, options=options)
    transaction.on_commit(lambda: _send_and_catch_up(pending.pk))
    return pending


def _connection():
    """A broker connection that gives up at once: a request must not wait on a Redis that is down
    (kombu's default retries take ~6 s); the outbox tries again later."""
    return current_app.connection_for_write(transport_options={"max_retries": 1, "interval_start": 0,
                                                               "interval_step": 0.1, "interval_max": 0.1})


def _send(pending: PendingTask, connection) -> bool:
    """One attempt to hand `pending` to the broker; True when it went (and the row is gone)."""
    try:
        # Nobody waits for these results, and registering one would make the Redis result
        # backend retry its own connection for ~20 s.
        current_app.send_task(pending.task, args=pending.args, kwargs=pending.kwargs, retry=False,
                              ignore_result=True, connection=connection, **pending.options)
    except Exception as exc:  # noqa: BLE001 - any failure to publish means "try again later"
        PendingTask.objects.filter(pk=pending.pk).update(attempts=F("attempts") + 1, last_error=str(exc)[:1000])
        log.warning("task %s (%s) kept in the outbox, broker unavailable: %s", pending.task, pending.pk, exc)
        return False
    PendingTask.objects.filter(pk=pending.pk).delete()
    return True


def _send_and_catch_up(pk: int) -> None:
    pending = PendingTask.objects.filter(pk=pk).first()
    if pending is None:
        return
    with _connection() as connection:
        sent = _send(pending, connection)
    if sent and PendingTask.objects.exists():
        outbox_flush(limit=50)  # the broker is back: send what waited


def outbox_flush(*, limit: int = 500, settle_seconds: int = SETTLE_SECONDS) -> int:
    """Send waiting tasks, oldest first, until one fails (Redis still down); returns how many went.

    Rows whose own send failed go at once; rows never tried wait `settle_seconds`.

    Rows are claimed with SKIP LOCKED (PostgreSQL), so two flushes never send the same row.
    """
    sent = 0
    cutoff = timezone.now() - timedelta(seconds=settle_seconds)
    with transaction.atomic():
        # A young row never tried may still be on its way out through its own on_commit send.
        ready = Q(attempts__gt=0) | Q(created_at__lte=cutoff)
        waiting = list(
            PendingTask.objects.select_for_update(skip_locked=True).filter(ready).order_by("created_at", "id")[:limit]
        )
        with _connection() as connection:
            for pending in waiting:
                if not _send(pending, connection):
                    break
                sent += 1
    return sent


def waiting_count() -> int:
    return PendingTask.objects.count()
