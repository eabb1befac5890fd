from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboards"
    verbose_name = _("Bảng điều khiển")

    def ready(self) -> None:
        # Cache invalidation when a report changes state (a decoupled side effect: STYLE §11).
        from dashboards import signals  # noqa: F401
