from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "triplec.api"
    label = "api"
    verbose_name = "REST API"
