import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "triplec.settings")
django_application = get_asgi_application()

from triplec.bot.nlu.model import warm_up  # noqa: E402  (after setup)
from triplec.campaigns.asgi_letters import LetterFastPath  # noqa: E402  (after setup)

# The bot's intent model trains in the background from now on, not on the first inbound message.
warm_up()

# Stored letters are served before Django's middleware (campaigns/asgi_letters.py); everything else is Django's.
application = LetterFastPath(django_application)
