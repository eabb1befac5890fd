"""A person's notifications (/thong-bao/)."""

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("so-chua-doc/", views.notification_badge, name="notification-badge"),
    path("<int:pk>/", views.notification_open, name="notification-open"),
    path("<int:pk>/da-doc/", views.notification_read, name="notification-read"),
    path("da-doc-het/", views.notification_read_all, name="notification-read-all"),
]
