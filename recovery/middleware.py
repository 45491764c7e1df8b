"""The user's language: an explicit choice (the switcher's cookie) wins and is remembered as the
user's preferred language; without it, the preferred language recorded on the user applies, and
for users who never chose one (the default), the browser's Accept-Language (LocaleMiddleware)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            supported = {code for code, _name in settings.LANGUAGES}
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            if chosen in supported:
                if user.preferred_language != chosen:
                    get_user_model().objects.filter(pk=user.pk).update(preferred_language=chosen)
                    user.preferred_language = chosen
            elif user.preferred_language in supported and user.preferred_language != settings.LANGUAGE_CODE:
                translation.activate(user.preferred_language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
