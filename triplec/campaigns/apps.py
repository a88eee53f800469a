from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "triplec.campaigns"
    label = "campaigns"
    verbose_name = "Kampanye"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (Django connects receivers once the app registry is ready)
