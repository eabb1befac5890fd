"""Portal-wide error pages."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults

# Seconds a browser or client is told to wait before trying again while the database is away.
RETRY_AFTER = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, except when the database is unreachable (restarting, failing over):
    then 503 with Retry-After and a Vietnamese "try again in a moment", so clients and load
    balancers treat it as temporary. The page is rendered without the request's context: the
    context processors would query the database again."""
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return defaults.server_error(request)
