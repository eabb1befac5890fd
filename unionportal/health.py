"""What /healthz reports: the database, Redis, the age of the last Celery heartbeat, the outbox.

503 when the database or Redis does not answer, or when a worker is expected (tasks are not run
in-process) and its heartbeat is missing or older than HEARTBEAT_MAX_AGE: a worker that is up
but no longer consuming shows here. The web keeps serving through a Redis outage (the cache
answers "not cached", tasks wait in the outbox); the 503 is for monitoring to notice it.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from unionportal.tasks import HEARTBEAT_CACHE_KEY


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return "error"
    return "ok"


def _redis() -> str:
    if not settings.REDIS_URL:
        return "off"
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except Exception:  # noqa: BLE001 - refused, timed out, loading: all "down" to a probe
        return "error"
    return "ok"


def report() -> tuple[dict, int]:
    """(the JSON body, the HTTP status) of /healthz."""
    from outbox.services import waiting_count
    from unionportal.celery import app

    status = {"database": _database(), "redis": _redis(), "cache": "ok", "heartbeat": "off",
              "heartbeat_age_seconds": None, "outbox_waiting": None}
    if status["redis"] == "error":
        status["cache"] = "error"  # the cache is Redis: pages are served uncached
    beat = cache.get(HEARTBEAT_CACHE_KEY)
    if beat is not None:
        status["heartbeat_age_seconds"] = round(time.time() - beat, 1)
    if not app.conf.task_always_eager:  # a worker is expected to consume
        age = status["heartbeat_age_seconds"]
        status["heartbeat"] = "missing" if age is None else ("stale" if age > settings.HEARTBEAT_MAX_AGE else "ok")
    if status["database"] == "ok":
        try:
            status["outbox_waiting"] = waiting_count()
        except Exception:  # noqa: BLE001 - the outbox table unreachable: already reported as database
            pass
    healthy = status["database"] == "ok" and status["redis"] != "error" and status["heartbeat"] in ("ok", "off")
    return status, 200 if healthy else 503
