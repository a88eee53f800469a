from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "triplec.accounts"
    label = "accounts"
    verbose_name = "Pengguna"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (Django connects receivers once the app registry is ready)
