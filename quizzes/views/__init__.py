"""Views by audience: student.py, instructor.py (reports) and authoring.py (texts and drafts)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect


def redirect_page(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect; for htmx a client redirect, since htmx would swap the whole page into a card."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
