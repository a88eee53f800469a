"""`triplec sync_templates`: pull the WABA's message templates into the registry."""

from django.core.management.base import BaseCommand

from triplec.messaging.models import Channel
from triplec.messaging.registry import templates_sync


class Command(BaseCommand):
    help = "Sync message templates from WhatsApp for every active channel."

    def handle(self, *args, **options):
        for channel in Channel.objects.filter(is_active=True):
            counts = templates_sync(channel=channel)
            self.stdout.write(f"{channel}: {counts['seen']} templates, {counts['new_versions']} new versions")
