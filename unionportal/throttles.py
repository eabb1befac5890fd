"""API throttles: anonymous use and the token endpoint, counted per client address.

The address is `unionportal.security.client_ip` (the same one the login lock uses), not DRF's
own reading of X-Forwarded-For, so both agree on who a client is. Rates come from the settings
(`API_ANON_RATE`, `API_AUTH_RATE` in the environment).
"""

from rest_framework import exceptions
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from unionportal.security import client_ip, throttled_message


class _ByClientAddress:
    def get_ident(self, request):
        return client_ip(request._request if hasattr(request, "_request") else request) or "unknown"


class AnonymousThrottle(_ByClientAddress, AnonRateThrottle):
    """Anonymous callers of the API (public offers and institutions, the schema)."""

    scope = "anon"


class AuthThrottle(_ByClientAddress, SimpleRateThrottle):
    """Attempts at the token endpoint, signed in or not: guessing passwords through the API is
    throttled here as well as locked per account by django-axes."""

    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def exception_handler(exc, context):
    """DRF's handler, with the throttled message in Vietnamese (DRF ships no Vietnamese)."""
    if isinstance(exc, exceptions.Throttled):
        exc.detail = exceptions.ErrorDetail(throttled_message(exc.wait), code="throttled")
    return drf_exception_handler(exc, context)
