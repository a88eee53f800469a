import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "triplec.settings")
django_application = get_asgi_application()

from triplec.campaigns.asgi_letters import LetterFastPath  # noqa: E402  (after setup)

# Stored letters are served before Django's middleware (campaigns/asgi_letters.py); everything else is Django's.
application = LetterFastPath(django_application)
