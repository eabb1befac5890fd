"""Beat sends `outbox_flush` every minute (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from outbox.services import outbox_flush as flush


@shared_task(ignore_result=True)
def outbox_flush() -> int:
    """Hand the broker the tasks the web kept while Redis was down."""
    return flush()
