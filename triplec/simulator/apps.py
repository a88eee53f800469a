from django.apps import AppConfig


class SimulatorConfig(AppConfig):
    """Only here for the `triplec simulator` command: the server itself never touches Django or our database."""

    name = "triplec.simulator"
    label = "simulator"
    verbose_name = "WhatsApp Cloud API simulator"
