"""Template context for every page."""

from functools import cache

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

MENU = {
    "quiz_list": "quizzes:quiz_list",
    "my_scores": "quizzes:my_scores",
    "course_overview": "quizzes:course_overview",
    "text_list": "quizzes:text_list",
    "admin": "admin:index",
    "password_change": "password_change",
    "logout": "logout",
    "login": "login",
    "signup": "signup",
}


@cache
def _menu_links(script_prefix: str) -> dict[str, str]:
    return {name: reverse(viewname) for name, viewname in MENU.items()}


def menu_links(request: HttpRequest) -> dict:
    """The site menu: its links as `menu.<name>`, reversed once per process rather than on
    every page (a {% url %} costs about 0.1 ms, and the menu has five to nine); the page's URL
    name as `menu_current`; and the instructors' section it is in, if any, as `menu_section`.
    """
    match = request.resolver_match
    route = match.route if match else ""
    section = (
        "texts"
        if route.startswith("teach/texts/")
        else "teach"
        if route.startswith("teach/")
        else ""
    )
    return {
        "menu": _menu_links(get_script_prefix()),
        "menu_current": match.url_name if match else None,
        "menu_section": section,
    }
