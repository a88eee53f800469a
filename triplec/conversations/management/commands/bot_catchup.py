from django.core.management.base import BaseCommand
from django.utils import timezone

from triplec.conversations.bot import handle_inbound
from triplec.messaging.models import InboundMessage


class Command(BaseCommand):
    help = "Answer inbound WhatsApp messages the bot has not handled yet (after a crash or an error)."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=60, help="only messages received this recently")

    def handle(self, *args, minutes: int, **options):
        since = timezone.now() - timezone.timedelta(minutes=minutes)
        done = 0
        for message in (
            InboundMessage.objects.filter(bot_turn__isnull=True, received_at__gte=since)
            .select_related("peer", "channel")
            .order_by("id")
        ):
            done += handle_inbound(message=message) is not None
        self.stdout.write(f"{done} message(s) answered")
