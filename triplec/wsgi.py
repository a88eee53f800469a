import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "triplec.settings")
application = get_wsgi_application()

from triplec.bot.nlu.model import warm_up  # noqa: E402  (after setup)

# The bot's intent model trains in the background from now on, not on the first inbound message.
warm_up()
