"""The site's URLs plus the signed-in floor, which only the benchmark serves.

The floor is what every student page pays before doing anything: the whole middleware stack, the
session read from the database and the user loaded and checked against it. No page that needs to
know who is asking can be faster, so it bounds what a ratio to the ceiling can reach.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from quizsite.urls import urlpatterns as site_urlpatterns


@login_required
@never_cache
def signed_in_floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [*site_urlpatterns, path("bench/signed-in/", signed_in_floor)]
