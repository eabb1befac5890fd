"""Background jobs of the reminders: thin wrappers over `notifications.services`.

`dispatch_reminders` runs once a day from beat (08:00 Asia/Ho_Chi_Minh, `CELERY_BEAT_SCHEDULE`)
and enqueues one `send_reminder_batch` per chunk of claimed ids, on commit, on the queue it was
itself taken from. Both are safe to run twice: what was claimed or sent is never sent again.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import reminder_batch_send, reminders_dispatch, reminders_give_up

MAX_RETRIES = 5


def _queue(task) -> str | None:
    """The queue the running task came from (None when run eagerly): its batches follow it there."""
    return (task.request.delivery_info or {}).get("routing_key") or None


def _enqueue_batch(ids: list[int], queue: str | None) -> None:
    options = {"queue": queue} if queue else {}
    transaction.on_commit(partial(send_reminder_batch.apply_async, args=[ids], **options))


def batch_time_budget() -> float:
    """Seconds a batch may run before handing the rest to a new task: half the Redis visibility
    timeout, so a slow batch (a low REMINDER_EMAIL_RATE) is never handed to a second worker."""
    return settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600) / 2


@shared_task(bind=True, acks_late=True)
def dispatch_reminders(self, on: str | None = None, form_code: str | None = None) -> dict:
    """Claim every reminder and digest due today (or on `on`, YYYY-MM-DD) and enqueue their batches."""
    day = date.fromisoformat(on) if on else timezone.localdate()
    queue = _queue(self)
    return reminders_dispatch(on=day, form_code=form_code, send=lambda ids: _enqueue_batch(ids, queue)).as_dict()


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=MAX_RETRIES)
def send_reminder_batch(self, dispatch_ids: list[int]) -> dict:
    """Send one batch of claimed reminders; retry what failed with backoff (1, 2, 4, 8, 16 min)."""
    result = reminder_batch_send(dispatch_ids=dispatch_ids, time_budget=batch_time_budget())
    if result.remaining_ids:
        _enqueue_batch(result.remaining_ids, _queue(self))
    if result.retry_ids:
        _retry_or_give_up(self, result.retry_ids)
    return {"emails": result.emails, "notifications": result.notifications, "failed": result.failed}


def retry_countdown(retries: int) -> int:
    return 60 * 2**retries


def _retry_or_give_up(task, ids: list[int]) -> None:
    if task.request.retries >= task.max_retries:
        reminders_give_up(dispatch_ids=ids, error=_("Không gửi được sau nhiều lần thử lại."))
        return
    if task.request.is_eager:
        # No broker to wait on (tasks run in-process without Redis): the rows stay pending and
        # the next run, or `send_reminders`, sends them while the reminder is still due.
        return
    raise task.retry(args=[ids], countdown=retry_countdown(task.request.retries))
