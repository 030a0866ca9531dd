"""Middleware: request ids, htmx logins, and pages no cache may keep."""

import os
import re

from csp.constants import SELF
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers
from django_htmx.http import HttpResponseClientRedirect

from quizzes.logs import request_id

# An id a proxy in front may have given the request; anything else is replaced.
_GIVEN_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give each request an id (a proxy's X-Request-ID, if it sent a sane one), put it on every
    log line of the request (quizzes/logs.py) and on the response, to match the two."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.META.get("HTTP_X_REQUEST_ID")
        current = given if given and _GIVEN_ID.match(given) else os.urandom(16).hex()
        request.request_id = current
        token = request_id.set(current)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = current
        return response


class PrivatePagesMiddleware:
    """Instructors' pages and exports (/teach/) are never kept by a browser or a proxy cache:
    they hold students' names and marks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path_info.startswith("/teach/"):
            add_never_cache_headers(response)
        return response


class HtmxLoginRedirectMiddleware:
    """Send an htmx request whose session expired to the login page as a whole page.

    Without this, htmx follows the redirect and swaps the login page into a question card.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and response.status_code == 302
            and response["Location"].startswith(resolve_url(settings.LOGIN_URL))
        ):
            return HttpResponseClientRedirect(response["Location"])
        return response


# A launch from a learning platform (quizzes/views/lms.py) sets this signed cookie to the
# platform's origins, which alone may then show the site's pages in a frame, in that browser.
# A cookie rather than the session: it is read on every response, and a page that never loads
# the session (the health check) must not pay a query for it.
LMS_FRAME_COOKIE = "quizsite_lms_frame"
LMS_FRAME_SALT = "quizsite.lms-frame"


def frame_origins(request: HttpRequest) -> list[str]:
    return request.get_signed_cookie(LMS_FRAME_COOKIE, default="", salt=LMS_FRAME_SALT).split()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy, with two openings a view or a launched browser asks for: the
    origins that may frame the page (`frame-ancestors`), and where a form may post
    (`form-action`, deep linking's answer to the platform)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        replace = dict(parts.replace or {})
        ancestors = getattr(request, "frame_ancestors", None) or frame_origins(request)
        if ancestors:
            replace["frame-ancestors"] = ancestors
        form_action = getattr(request, "form_action", None)
        if form_action:
            replace["form-action"] = [SELF, *form_action]
        parts.replace = replace or None
        return parts


class LmsFramingMiddleware:
    """In a browser a learning platform launched (or on a page that says so), no
    X-Frame-Options: DENY, which would override the CSP's frame-ancestors in older browsers.

    Over HTTPS its session and CSRF cookies are SameSite=None there: a browser sends no Lax
    cookie to a page framed by another site, and the student would be signed out at every click
    inside the LMS. Placed before SessionMiddleware and XFrameOptionsMiddleware, it sees their
    cookies and header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not (getattr(request, "frame_ancestors", None) or frame_origins(request)):
            return response
        if "X-Frame-Options" in response:
            del response["X-Frame-Options"]
        if request.is_secure():
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                if name in response.cookies:
                    response.cookies[name]["samesite"] = "None"
                    response.cookies[name]["secure"] = True
        return response
