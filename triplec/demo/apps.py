from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "triplec.demo"
    label = "demo"
    verbose_name = "Demo data"
