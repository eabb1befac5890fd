"""The 404 answer for addresses that match no route.

Under /api/ a client gets JSON, as from every API view (`{"detail": …}`), not the HTML page
meant for people: an id that cannot be an id (`/api/v1/units/abc/`) is a 404 like any other.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Không tìm thấy.")}, status=404)
    return defaults.page_not_found(request, exception)
