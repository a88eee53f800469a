from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "triplec.events"
    label = "events"
    verbose_name = "Peristiwa real-time"
