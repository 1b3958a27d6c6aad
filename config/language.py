"""The interface language: Dutch, or English for whoever chooses it with the switch in the page
header (Django's `set_language` view stores the choice in a cookie).

Not the browser's Accept-Language: the audience is Dutch local government, many with browsers set
to English; Dutch stays the default until someone asks for English.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation


def chosen_language(request: HttpRequest) -> str:
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
