import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "triplec.settings")
application = get_wsgi_application()

from triplec.bot.nlu.model import warm_up  # noqa: E402  (after setup)
from triplec.campaigns.pdf import preload as preload_pdf  # noqa: E402  (after setup)

# The bot's intent model trains in the background from now on, not on the first inbound message; before it, in
# the same thread, WeasyPrint is imported and warmed, so a letter rendered on request does not pay for that.
warm_up(preload_pdf)
