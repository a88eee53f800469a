from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "triplec.core"
    label = "core"
