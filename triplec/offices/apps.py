from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "triplec.offices"
    label = "offices"
    verbose_name = "Kantor"
