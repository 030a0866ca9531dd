"""Views by audience: student.py, instructor.py (reports) and authoring.py (texts and drafts)."""

from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import get_script_prefix, reverse
from django_htmx.http import HttpResponseClientRedirect


def redirect_page(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect; for htmx a client redirect, since htmx would swap the whole page into a card."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def reverse_cached(viewname: str, *args) -> str:
    """reverse(), remembered per process: a URL never changes while the site runs, and working
    one out costs about 0.1 ms, on every page's menu and several times on every question card.

    Keyed by ROOT_URLCONF and the script prefix. No middleware here sets a per-request
    urlconf, and asking for one (get_urlconf) would cost half of a remembered lookup.
    """
    return _reverse(viewname, args, settings.ROOT_URLCONF, get_script_prefix())


# Bounded: a class's attempts, each with its question, finish and text URLs, fit many times over.
@lru_cache(maxsize=8192)
def _reverse(viewname: str, args: tuple, urlconf: str, script_prefix: str) -> str:
    return reverse(viewname, urlconf=urlconf, args=args)
