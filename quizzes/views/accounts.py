"""Accounts: signing up (with a course's code), joining a course, choosing a password with a
teacher's set-up code, and changing it."""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import PasswordResetView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from quizzes import enrolment
from quizzes.course_forms import JoinForm, SetupCodeForm
from quizzes.forms import SignupForm

# Name the backend: django-axes adds one before ModelBackend (a new password has no lockout).
BACKEND = "quizzes.backends.ModelBackend"


def _next_page(request: HttpRequest) -> str:
    """The ?next= page of this site to go on to, if any (never another site's)."""
    wanted = request.GET.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if allowed else ""


def _joined(request: HttpRequest, code: str) -> None:
    try:
        course, joined = enrolment.join(request.user, code)
    except enrolment.EnrolmentError as error:
        messages.error(request, str(error))
        return
    if joined:
        messages.success(request, f"You joined “{course.title}”.")
    else:
        messages.info(request, f"You are already in “{course.title}”.")


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password1", "password2")
def signup(request: HttpRequest) -> HttpResponse:
    """Create an account, join the course whose code was given, log straight in."""
    if request.user.is_authenticated:
        return redirect("quizzes:quiz_list")
    form = SignupForm(request.POST or None, initial={"join_code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=BACKEND)
        messages.success(request, f"Welcome, {user.get_username()}! Your account is ready.")
        if form.cleaned_data["join_code"]:
            _joined(request, form.cleaned_data["join_code"])
        if wanted := _next_page(request):
            return redirect(wanted)
        if not form.cleaned_data["join_code"]:
            messages.info(request, "Join a course with the code your teacher gives you.")
        return redirect("quizzes:quiz_list")
    return render(
        request,
        "registration/signup.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def join(request: HttpRequest) -> HttpResponse:
    """Type a course's code to join it."""
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _joined(request, form.cleaned_data["code"].join_code)
        return redirect("quizzes:quiz_list")
    return render(
        request,
        "quizzes/student/join.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def join_course(request: HttpRequest, code: str) -> HttpResponse:
    """A course's join link: the course and a Join button (log in or sign up first)."""
    try:
        course = enrolment.course_for_join_code(code)
    except enrolment.EnrolmentError as error:
        return render(
            request,
            "quizzes/student/join.html",
            {"form": JoinForm(), "refused": str(error)},
            status=404,
        )
    if not request.user.is_authenticated:
        here = request.get_full_path()
        return render(
            request,
            "quizzes/student/join_link.html",
            {
                "course": course,
                "login_url": f"{reverse('login')}?next={here}",
                "signup_url": f"{reverse('signup')}?code={course.join_code}",
            },
        )
    if request.method == "POST":
        _joined(request, course.join_code)
        return redirect("quizzes:quiz_list")
    return render(request, "quizzes/student/join_link.html", {"course": course})


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("code", "password1", "password2")
@never_cache
def setup_password(request: HttpRequest) -> HttpResponse:
    """Choose a password with the one-time code a teacher gave (no e-mail needed), and log in."""
    form = SetupCodeForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            user = enrolment.redeem_code(form.cleaned_data["code"], form.cleaned_data["password1"])
        except enrolment.EnrolmentError as error:
            form.add_error("code", str(error))
        else:
            login(request, user, backend=BACKEND)
            messages.success(
                request, f"Your password is set. Your username is {user.get_username()}."
            )
            return redirect(_next_page(request) or "quizzes:quiz_list")
    return render(
        request,
        "registration/setup_password.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
@sensitive_post_parameters()
@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    """Django's password change, with wrong current passwords counted as failed logins.

    Each wrong "old password" is told to django-axes as a failed login of the account from this
    address, so guessing it is paused after AXES_FAILURE_LIMIT tries, exactly as at login.
    """
    credentials = {"username": request.user.get_username()}
    if request.method == "POST" and not AxesProxyHandler.is_allowed(request, credentials):
        return render(
            request,
            settings.AXES_LOCKOUT_TEMPLATE,
            {
                "username": credentials["username"],
                "failure_limit": settings.AXES_FAILURE_LIMIT,
                "cooloff_timedelta": settings.AXES_COOLOFF_TIME,
            },
            status=429,
        )
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.save()
            update_session_auth_hash(request, user)
            return redirect("password_change_done")
        if "old_password" in form.errors:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return render(request, "registration/password_change_form.html", {"form": form})


def password_reset(request: HttpRequest) -> HttpResponse:
    """Django's reset by e-mail when the site sends mail (EMAIL_URL); otherwise how to get a
    set-up code from a teacher."""
    if settings.PASSWORD_RESET_BY_EMAIL:
        return PasswordResetView.as_view()(request)
    return render(request, "registration/password_help.html")
