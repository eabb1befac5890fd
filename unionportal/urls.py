from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from organizations import views as organization_views

urlpatterns = [
    path("", organization_views.home, name="home"),
    path("healthz", organization_views.healthz, name="healthz"),
    path("don-vi/", include("organizations.urls")),
    path("", include("agreements.urls")),
    path("bao-cao/", include("reporting.urls")),
    path("", include("campaigns.urls")),
    path("tai-khoan/", include("organizations.auth_urls")),
    path("ngon-ngu/", set_language, name="set_language"),
    path("api/v1/", include("unionportal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("quan-tri/", admin.site.urls),
]
