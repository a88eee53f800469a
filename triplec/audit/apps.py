from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "triplec.audit"
    label = "audit"
    verbose_name = "Log audit"
