from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "triplec.imports"
    label = "imports"
