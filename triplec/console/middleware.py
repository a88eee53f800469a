from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ConsoleLocaleMiddleware(LocaleMiddleware):
    """Indonesian unless the user chose otherwise (language cookie from the switch in the top bar).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many office PCs run an English
    browser: the console must still open in Indonesian.
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
