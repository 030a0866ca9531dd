"""Template context for every page."""

from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix

from quizzes.views import reverse_cached

MENU = {
    "quiz_list": "quizzes:quiz_list",
    "my_scores": "quizzes:my_scores",
    "course_overview": "quizzes:course_overview",
    "text_list": "quizzes:text_list",
    "question_bank": "quizzes:question_bank",
    "admin": "admin:index",
    "password_change": "password_change",
    "logout": "logout",
    "login": "login",
    "signup": "signup",
}


@cache
def _menu(urlconf: str, script_prefix: str) -> dict[str, str]:
    # One dict per site, not nine lookups per render: fragments are rendered with it too.
    return {name: reverse_cached(viewname) for name, viewname in MENU.items()}


def menu_links(request: HttpRequest) -> dict:
    """The site menu: its links as `menu.<name>`, reversed once per process (reverse_cached)
    rather than by a {% url %} each on every page; the page's URL
    name as `menu_current`; and the instructors' section it is in, if any, as `menu_section`.
    """
    match = request.resolver_match
    route = match.route if match else ""
    section = (
        "texts"
        if route.startswith("teach/texts/")
        else "questions"
        if route.startswith("teach/questions/")
        else "teach"
        if route.startswith("teach/")
        else ""
    )
    return {
        "menu": _menu(settings.ROOT_URLCONF, get_script_prefix()),
        "menu_current": match.url_name if match else None,
        "menu_section": section,
        "password_reset_by_email": settings.PASSWORD_RESET_BY_EMAIL,
    }
