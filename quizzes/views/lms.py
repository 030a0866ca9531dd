"""LTI 1.3: the login and launch a learning platform sends, deep linking, registering a
platform (superusers) and the roster sync (teachers).

The platform's own requests (login, launch) carry no CSRF token: they are checked by the
protocol instead (state cookie, nonce, signature), in quizzes/lti/tool.py.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.models import LtiRegistration
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from quizzes.lti import launches, registration, tool
from quizzes.lti.memberships import sync_roster
from quizzes.middleware import LMS_FRAME_COOKIE, LMS_FRAME_SALT
from quizzes.models import Quiz
from quizzes.models.lms import LmsCourse
from quizzes.permissions import require_teacher, superuser_required, teaching_required
from quizzes.views.instructor import staffed_course

REFUSED_TEMPLATE = "quizzes/lms/refused.html"
# Session keys of a launched session.
DEEP_LINK_LAUNCH = "lms_deep_link_launch"
DEEP_LINK_COURSE = "lms_deep_link_course"


def refused(request: HttpRequest, error: tool.LaunchRefused) -> HttpResponse:
    # A refusal page holds nothing to click on behalf of anyone: the LMS may show it in its
    # frame, whichever LMS it is.
    request.frame_ancestors = ["*"]
    return render(request, REFUSED_TEMPLATE, {"message": str(error)}, status=error.status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def login_initiation(request: HttpRequest, registration_uuid=None) -> HttpResponse:
    """OIDC third-party login: on to the platform's authorization URL, with a state cookie.

    In a frame, a page first checks that the browser keeps this site's cookies there; if it
    does not (third-party cookies blocked), it offers to open Quizsite in a new window.
    """
    params = request.POST if request.method == "POST" else request.GET
    registrations = LtiRegistration.objects.active().filter(issuer=params.get("iss", ""))
    if registration_uuid is not None:
        registrations = registrations.filter(uuid=registration_uuid)
    elif params.get("client_id"):
        registrations = registrations.filter(client_id=params["client_id"])
    found = registrations.first()
    if found is None or not params.get("login_hint"):
        return refused(
            request,
            tool.LaunchRefused(
                "This login was refused: the platform or client id is not registered here, or "
                "the login names no user."
            ),
        )
    try:
        url, cookies = tool.login_redirect_url(
            request, found, request.build_absolute_uri(reverse("lti_launch"))
        )
    except tool.LaunchRefused as error:
        return refused(request, error)
    if request.headers.get("Sec-Fetch-Dest") == "iframe" and not params.get("new_window"):
        new_window = params.copy()
        new_window["new_window"] = "1"
        request.frame_ancestors = ["*"]
        response = render(
            request,
            "quizzes/lms/login.html",
            {"continue_url": url, "new_window_url": f"{request.path}?{new_window.urlencode()}"},
        )
    else:
        response = redirect(url)
    cookies.update_response(response)
    return response


@csrf_exempt
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    """A resource link opens its quiz; a deep-linking request opens the quiz picker."""
    try:
        lti_launch = tool.validated_launch(request)
        if not (lti_launch.is_resource_launch or lti_launch.is_deep_link_launch):
            raise tool.LaunchRefused(
                "This launch was refused: Quizsite opens quizzes and adds them to courses; "
                "this kind of LTI message is not supported.",
            )
        arrival = launches.arrive(lti_launch)
    except tool.LaunchRefused as error:
        return refused(request, error)
    login(request, arrival.user, backend="quizzes.backends.ModelBackend")
    if lti_launch.is_deep_link_launch:
        request.session[DEEP_LINK_LAUNCH] = lti_launch.get_launch_id()
        request.session[DEEP_LINK_COURSE] = arrival.course.pk
        response = redirect("lti_deep_link")
    else:
        url = reverse("quizzes:quiz_detail", args=[arrival.quiz.slug])
        response = redirect(f"{url}?course={arrival.course.code}")
    secure = request.is_secure()
    response.set_signed_cookie(
        LMS_FRAME_COOKIE,
        " ".join(arrival.frame_origins),
        salt=LMS_FRAME_SALT,
        max_age=settings.SESSION_COOKIE_AGE,
        secure=secure,
        httponly=True,
        samesite="None" if secure else "Lax",
    )
    request.frame_ancestors = arrival.frame_origins
    return response


def _deep_link_course(request: HttpRequest):
    course_pk = request.session.get(DEEP_LINK_COURSE)
    if course_pk is None or not request.user.is_authenticated:
        raise PermissionDenied("Open this page from the LMS: “Add an activity”, then Quizsite.")
    course = get_object_or_404(LmsCourse.objects.select_related("course"), course_id=course_pk)
    require_teacher(request.user, course.course)
    return course.course


@require_http_methods(["GET", "POST"])
def deep_link(request: HttpRequest) -> HttpResponse:
    """The teacher picks a quiz of the course; the LMS gets a link to it and a gradebook
    column."""
    course = _deep_link_course(request)
    quizzes = list(
        Quiz.objects.filter(Q(course=course) | Q(assignments__course=course))
        .distinct()
        .order_by("title")
    )
    error = ""
    if request.method == "POST":
        chosen = next((q for q in quizzes if str(q.pk) == request.POST.get("quiz")), None)
        if chosen is None:
            error = "Choose one of the course's quizzes."
        else:
            try:
                lti_launch = tool.stored_launch(request, request.session.get(DEEP_LINK_LAUNCH))
            except tool.LaunchRefused as refusal:
                return refused(request, refusal)
            return _deep_link_answer(request, lti_launch, chosen)
    return render(
        request,
        "quizzes/lms/deep_link.html",
        {"course": course, "quizzes": quizzes, "error": error},
        status=400 if error else 200,
    )


def _deep_link_answer(request: HttpRequest, lti_launch, quiz: Quiz) -> HttpResponse:
    resource = (
        DeepLinkResource()
        .set_url(request.build_absolute_uri(reverse("lti_launch")))
        .set_title(quiz.title)
        .set_custom_params({launches.QUIZ_PARAMETER: str(quiz.pk)})
        .set_lineitem(
            LineItem()
            .set_score_maximum(100)
            .set_label(quiz.title)
            .set_resource_id(f"quiz-{quiz.pk}")
        )
    )
    deep_link = lti_launch.get_message_launch().get_deep_link()
    token = deep_link.get_response_jwt([resource])
    return_url = lti_launch.get_claim(
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
    )["deep_link_return_url"]
    request.form_action = [launches.origin(return_url)]
    # One answer per request from the LMS: a second would add the link twice.
    request.session.pop(DEEP_LINK_LAUNCH, None)
    return render(
        request,
        "quizzes/lms/deep_link_return.html",
        {"quiz": quiz, "return_url": return_url, "token": token},
    )


@require_http_methods(["GET", "POST"])
@superuser_required
def platforms(request: HttpRequest) -> HttpResponse:
    """The registered platforms and the tool's URLs (superusers)."""
    form = registration.PlatformForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"{saved.name} is registered. Now paste the tool's URLs into it.")
        return redirect("lti_platform", registration_uuid=saved.uuid)
    return render(
        request,
        "quizzes/lms/platforms.html",
        {
            "platforms": LtiRegistration.objects.order_by("name").prefetch_related("deployments"),
            "form": form,
            "urls": registration.tool_urls(request),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@superuser_required
def platform(request: HttpRequest, registration_uuid) -> HttpResponse:
    found = get_object_or_404(LtiRegistration, uuid=registration_uuid)
    form = registration.PlatformForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved.")
        return redirect("lti_platform", registration_uuid=found.uuid)
    return render(
        request,
        "quizzes/lms/platform.html",
        {"platform": found, "form": form, "urls": registration.tool_urls(request, found)},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
@superuser_required
def canvas_json(request: HttpRequest) -> HttpResponse:
    return JsonResponse(registration.canvas_configuration(request), json_dumps_params={"indent": 2})


@require_POST
@teaching_required
def roster_sync(request: HttpRequest, code: str) -> HttpResponse:
    """Teachers bring the LMS course's roster in."""
    course = staffed_course(request, code)
    require_teacher(request.user, course)
    link = LmsCourse.objects.filter(course=course).select_related("context__deployment").first()
    if link is None:
        raise Http404("This course is not linked to an LMS course.")
    try:
        result = sync_roster(link)
    except tool.LaunchRefused as error:
        messages.error(request, str(error))
        return redirect("quizzes:roster", code=course.code)
    messages.success(
        request,
        f"Roster synced from the LMS: {result.added} added, {result.changed} changed role, "
        f"{result.removed} removed, {result.unchanged} unchanged.",
    )
    return redirect("quizzes:roster", code=course.code)
