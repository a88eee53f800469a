from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "triplec.ledger"
    label = "ledger"
    verbose_name = "Buku Tunggakan"
