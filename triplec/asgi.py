import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "triplec.settings")
django_application = get_asgi_application()

from triplec.bot.nlu.model import warm_up  # noqa: E402  (after setup)
from triplec.campaigns.asgi_letters import LetterFastPath  # noqa: E402  (after setup)
from triplec.campaigns.pdf import preload as preload_pdf  # noqa: E402  (after setup)

# The bot's intent model trains in the background from now on, not on the first inbound message; before it, in
# the same thread, WeasyPrint is imported and warmed, so a letter rendered on request does not pay for that.
warm_up(preload_pdf)

# Stored letters are served before Django's middleware (campaigns/asgi_letters.py); everything else is Django's.
application = LetterFastPath(django_application)
