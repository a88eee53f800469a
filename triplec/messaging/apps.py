from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "triplec.messaging"
    label = "messaging"
    verbose_name = "WhatsApp"
