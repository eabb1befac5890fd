from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from organizations import views as organization_views

urlpatterns = [
    path("", organization_views.home, name="home"),
    path("healthz", organization_views.healthz, name="healthz"),
    path("don-vi/", include("organizations.urls")),
    path("", include("agreements.urls")),
    path("bao-cao/", include("reporting.urls")),
    path("", include("campaigns.urls")),
    path("bang-dieu-khien/", include("dashboards.urls")),
    path("tai-khoan/", include("organizations.auth_urls")),
    path("thong-bao/", include("notifications.urls")),
    path("ngon-ngu/", set_language, name="set_language"),
    path("api/v1/", include("unionportal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The "split" view serves Swagger UI's start-up script as a file (?script), not inline: CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("quan-tri/", admin.site.urls),
]

# A database that is restarting answers 503 "try again" instead of a 500 (unionportal/views.py).
handler500 = "unionportal.views.server_error"
handler404 = "unionportal.not_found.page_not_found"
