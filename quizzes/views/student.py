"""Student pages: the quiz list, taking an attempt one question at a time, results, the text."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from quizzes.forms import SignupForm
from quizzes.models import Attempt, Quiz, SourceText, Standing, is_instructor, standings

# Home, quiz page, the text, my scores, accounts (owned by the pages engineer)


@require_GET
@login_required
def quiz_list(request: HttpRequest) -> HttpResponse:
    """The quizzes open now with the student's standing in each: quizzes/student/quiz_list.html."""
    now = timezone.now()
    # Close abandoned timed attempts first so the list never shows a stale "Resume".
    Attempt.objects.for_student(request.user).close_overdue(now)
    quizzes = list(
        Quiz.objects.available_to(request.user)
        .open_at(now)
        .annotate(question_count=Count("quiz_questions"))
        .order_by("title", "pk")
    )
    by_quiz = standings(request.user, quizzes)
    rows = [(quiz, by_quiz[quiz.pk]) for quiz in quizzes]
    return render(request, "quizzes/student/quiz_list.html", {"rows": rows})


@require_GET
@login_required
def quiz_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A quiz's settings in plain words, the student's attempts and grade, and how to start."""
    now = timezone.now()
    quiz = get_object_or_404(
        Quiz.objects.available_to(request.user)
        .select_related("source_text")
        .annotate(question_count=Count("quiz_questions")),
        slug=slug,
    )
    Attempt.objects.for_student(request.user).filter(quiz=quiz).close_overdue(now)
    standing = standings(request.user, [quiz])[quiz.pk]
    preview = is_instructor(request.user)
    opens_later = quiz.opens_at is not None and now < quiz.opens_at
    has_closed = quiz.closes_at is not None and now >= quiz.closes_at
    cannot_start = None
    if standing.in_progress is None and not preview:
        # The same rules as models.start_attempt, said before the student presses the button.
        if opens_later:
            cannot_start = "This quiz has not opened yet."
        elif has_closed:
            cannot_start = "This quiz is closed."
        elif standing.attempts_left == 0:
            cannot_start = "You have used all your attempts at this quiz."
    if standing.in_progress is None and not quiz.question_count:
        cannot_start = "This quiz has no questions yet."
    return render(
        request,
        "quizzes/student/quiz_detail.html",
        {
            "quiz": quiz,
            "standing": standing,
            "attempts": list(reversed(standing.attempts)),
            "preview": preview,
            "cannot_start": cannot_start,
            "opens_later": opens_later,
            "has_closed": has_closed,
        },
    )


@require_GET
@login_required
def source_text_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The source text with numbered paragraph anchors (#p1, #p2…) that results pages link to."""
    text = get_object_or_404(SourceText, slug=slug)
    # A quiz may forbid the text while it is being taken: keep that promise in every tab.
    now = timezone.now()
    locked_by = (
        Quiz.objects.filter(
            Q(source_text=text) | Q(questions__source_text=text),
            Q(attempts__deadline__isnull=True) | Q(attempts__deadline__gt=now),
            text_during_quiz=False,
            attempts__student=request.user,
            attempts__state=Attempt.State.IN_PROGRESS,
            attempts__is_preview=False,
        )
        .distinct()
        .first()
    )
    if locked_by is not None:
        return render(
            request,
            "quizzes/student/source_text.html",
            {"text": text, "locked_by": locked_by},
            status=403,
        )
    return render(
        request,
        "quizzes/student/source_text.html",
        {"text": text, "paragraphs": text.paragraphs()},
    )


@require_GET
@login_required
def my_scores(request: HttpRequest) -> HttpResponse:
    """Every counted attempt, grouped by quiz, with each quiz's grade: my_scores.html."""
    Attempt.objects.for_student(request.user).close_overdue()
    attempts = (
        Attempt.objects.for_student(request.user)
        .counted()
        .select_related("quiz")
        .order_by("quiz__title", "quiz_id", "started_at", "pk")
    )
    groups: dict[int, Standing] = {}
    for attempt in attempts:
        if attempt.quiz_id not in groups:
            groups[attempt.quiz_id] = Standing(attempt.quiz, [])
        groups[attempt.quiz_id].attempts.append(attempt)
    return render(request, "quizzes/student/my_scores.html", {"standings": list(groups.values())})


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Create an account and log straight in: registration/signup.html."""
    if request.user.is_authenticated:
        return redirect("quizzes:quiz_list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user)
        messages.success(request, f"Welcome, {user.get_username()}! Your account is ready.")
        return redirect("quizzes:quiz_list")
    return render(request, "registration/signup.html", {"form": form})


# Taking an attempt (owned by the attempt-flow engineer)


def start_quiz(request: HttpRequest, slug: str) -> HttpResponse:
    raise NotImplementedError


def attempt_question(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    raise NotImplementedError


def toggle_flag(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    raise NotImplementedError


def finish_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


def attempt_result(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError
