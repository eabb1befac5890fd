"""Portal-wide Celery tasks."""

import time

from celery import shared_task
from django.core.cache import cache

HEARTBEAT_CACHE_KEY = "celery:heartbeat"


@shared_task
def heartbeat() -> float:
    """Record that a worker consumed a task just now; /healthz reports its age."""
    now = time.time()
    cache.set(HEARTBEAT_CACHE_KEY, now, timeout=None)
    return now
