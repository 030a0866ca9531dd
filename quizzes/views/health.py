"""The health check, which is also the benchmark's ceiling: the whole middleware stack, no work."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Plain "ok" from a live worker: no session, no user, no database, no template."""
    # Every middleware still runs (security, whitenoise, sessions, CSRF, auth, axes, CSP…): that
    # cost is what any request pays, so benchmarks/answer_loop.py measures pages against it.
    # Sessions and request.user are lazy, so nothing here reads a cookie's session or the DB.
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
