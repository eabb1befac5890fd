"""The cache backend used with Redis: Django's RedisCache, except that Redis being down is a cache
miss, not an error.

The portal only caches what it can compute again (partner choices, dashboard figures), so when
Redis is unreachable a page is slower, never broken: reads answer "not cached", writes and
deletions are skipped, each failure is logged. Counters (`incr`, used by the reminder rate limit
inside workers, which cannot run without Redis anyway) still raise. /healthz reports Redis down
with 503 so it is noticed (unionportal/health.py).
"""

from __future__ import annotations

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger("unionportal.cache")

try:  # redis-py's errors: connection refused, timeouts, a Redis that is loading or read-only
    from redis.exceptions import RedisError as _RedisError
except ImportError:  # pragma: no cover - redis is a requirement
    _RedisError = OSError

UNAVAILABLE = (_RedisError, OSError)


class ResilientRedisCache(RedisCache):
    def _failed(self, operation: str, exc: Exception) -> None:
        log.warning("cache %s skipped, Redis unavailable: %s", operation, exc)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE as exc:
            self._failed("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE as exc:
            self._failed("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNAVAILABLE as exc:
            self._failed("has_key", exc)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE as exc:
            self._failed("add", exc)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except UNAVAILABLE as exc:
            self._failed("set", exc)
            return None

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNAVAILABLE as exc:
            self._failed("set_many", exc)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNAVAILABLE as exc:
            self._failed("touch", exc)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNAVAILABLE as exc:
            self._failed("delete", exc)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except UNAVAILABLE as exc:
            self._failed("delete_many", exc)
            return None
