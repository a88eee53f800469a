"""`triplec simulator`: the local WhatsApp Cloud API (Meta's side), with a phone in the browser at /phone/."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from triplec.simulator.config import ConfigError
from triplec.simulator.run import add_arguments, config_from_options, serve


class Command(BaseCommand):
    help = "Run the WhatsApp Cloud API simulator (Meta's endpoints, signed webhooks, faults, a phone page)."

    def add_arguments(self, parser):
        add_arguments(
            parser,
            {
                "port": getattr(settings, "SIMULATOR_PORT", 8001),
                "webhook_url": getattr(settings, "SIMULATOR_WEBHOOK_URL", None) or None,
                "app_secret": getattr(settings, "WHATSAPP_APP_SECRET", None),
                "access_token": getattr(settings, "WHATSAPP_ACCESS_TOKEN", None),
                "verify_token": getattr(settings, "WHATSAPP_VERIFY_TOKEN", None),
                "phone_number_id": getattr(settings, "WHATSAPP_PHONE_NUMBER_ID", None),
                "waba_id": getattr(settings, "WHATSAPP_WABA_ID", None),
                "display_phone_number": getattr(settings, "WHATSAPP_DISPLAY_NUMBER", None),
                # The demo's simulator remembers its templates (and their states) across restarts.
                "templates_file": str(settings.DATA_DIR / "simulator" / "templates.json"),
                # ... and its phone's chats, so that a restart keeps each taxpayer's 24-hour window.
                "chats_file": str(settings.DATA_DIR / "simulator" / "chats.json"),
            },
        )

    def handle(self, *args, **options):
        try:
            config = config_from_options(options)
        except ValueError as exc:
            raise CommandError(f"--config is not valid JSON: {exc}") from exc
        host, port = options["host"], options["port"]
        self.stdout.write(f"WhatsApp simulator on http://{host}:{port}/ (phone page: http://{host}:{port}/phone/)")
        if config.get("webhook_url"):
            self.stdout.write(f"Webhooks go to {config['webhook_url']}")
        else:
            self.stdout.write('No webhook URL yet: set one with POST /_sim/config {"webhook_url": ...}')
        try:
            serve(host, port, config, log_level=options["log_level"])
        except ConfigError as exc:
            raise CommandError(str(exc)) from exc
