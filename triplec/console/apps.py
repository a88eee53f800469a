from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "triplec.console"
    label = "console"
