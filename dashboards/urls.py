"""The dashboard page (its figures come from /api/v1/dashboard/…, see unionportal/api_urls.py)."""

from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
