from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "triplec.campaigns"
    label = "campaigns"
    verbose_name = "Kampanye"
