from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'campaigns'

    def ready(self):
        # Registers the campaigns' sources of Phụ lục 03 (rows 1.1.1, 1.1.2) with reporting.prefill.
        from campaigns import prefill  # noqa: F401
