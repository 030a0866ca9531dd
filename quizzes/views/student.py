"""Student pages: the quiz list, taking an attempt one question at a time, results, the text."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url, replace_url

from quizzes import exam_lock, kinds, review, review_options
from quizzes.forms import FlagForm, SaveForm, answer_form
from quizzes.models import (
    AnswerRefused,
    Assignment,
    Attempt,
    AttemptNotAllowed,
    Course,
    Quiz,
    QuizQuestion,
    Response,
    SourceText,
    changed_elsewhere,
    extra_time_for,
    responses_shown,
)
from quizzes.offerings import offering, student_offerings
from quizzes.permissions import may_create_courses
from quizzes.review_options import Moment
from quizzes.schedules import STANDARD_TIME, Schedule, adjusted, duration_text
from quizzes.standings import Standing, standings
from quizzes.starting import start_attempt
from quizzes.views import redirect_page, reverse_cached

# Home, quiz page, the text, my scores, accounts (owned by the pages engineer)


@require_GET
@login_required
def quiz_list(request: HttpRequest) -> HttpResponse:
    """The student's courses, each with its quizzes open now and the student's standing in each:
    quizzes/student/quiz_list.html. A fixed number of queries, however many courses."""
    now = timezone.now()
    # Close abandoned timed attempts first so the list never shows a stale "Resume".
    Attempt.objects.for_student(request.user).close_overdue(now)
    courses = list(Course.objects.learning(request.user))
    offerings = [
        offering
        for offering in student_offerings(request.user)
        if offering.schedule.is_open_at(now)
    ]
    by_course: dict[int, list] = {course.pk: [] for course in courses}
    for place, standing in zip(offerings, standings(request.user, offerings), strict=True):
        by_course[place.course.pk].append((place, standing))
    return render(
        request,
        "quizzes/student/quiz_list.html",
        {
            "courses": [(course, by_course[course.pk]) for course in courses],
            # Only staff accounts teach or assist (enrolment.add_staff), so students pay nothing.
            "teaches": request.user.is_staff
            and (
                may_create_courses(request.user) or Course.objects.staffed_by(request.user).exists()
            ),
        },
    )


def _minutes(limit) -> int | None:
    return round(limit.total_seconds() / 60) if limit else None


@require_GET
@login_required
def quiz_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A quiz's settings in plain words, the student's attempts and grade, and how to start.

    In several of the user's courses, ?course=<code> says which (else the one they take it in).
    """
    now = timezone.now()
    offer = offering(request.user, slug, request.GET.get("course", ""))
    quiz, schedule = offer.quiz, offer.schedule
    Attempt.objects.for_student(request.user).filter(quiz=quiz).close_overdue(now)
    standing = standings(request.user, [offer])[0]
    # Extra time only matters (and costs a query) on a timed quiz.
    extra = extra_time_for(request.user, offer.course) if schedule.time_limit else STANDARD_TIME
    cannot_start = None
    if standing.in_progress is None and not offer.is_preview:
        # The same rules as starting.start_attempt, said before the student presses the button.
        if schedule.opens_later(now):
            cannot_start = "This quiz has not opened yet."
        elif schedule.has_closed(now):
            cannot_start = "This quiz is closed."
        elif standing.attempts_left == 0:
            cannot_start = "You have used all your attempts at this quiz."
        elif blocking := exam_lock.secure_attempt_sharing(
            request.user,
            QuizQuestion.objects.filter(quiz=quiz).values("question_id"),
            now,
            besides_quiz=quiz.pk,
        ):
            # Said before the button is pressed, as starting.start_attempt would refuse it.
            cannot_start = exam_lock.refusal_message(blocking)
    if standing.in_progress is None and not quiz.question_count and not quiz.random_draws.exists():
        cannot_start = "This quiz has no questions yet."
    return render(
        request,
        "quizzes/student/quiz_detail.html",
        {
            "quiz": quiz,
            "course": offer.course,
            "schedule": schedule,
            "standing": standing,
            "attempts": list(reversed(standing.attempts)),
            "preview": offer.is_preview,
            "cannot_start": cannot_start,
            "opens_later": schedule.opens_later(now),
            "has_closed": schedule.has_closed(now),
            "extra_time": extra,
            "your_minutes": _minutes(schedule.time_limit_with(extra)),
            "review_summary": review_options.describe(
                offer.review, feedback_during=quiz.feedback == Quiz.Feedback.IMMEDIATE
            ),
        },
    )


@require_GET
@login_required
def source_text_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The source text with numbered paragraph anchors (#p1, #p2…) that results pages link to."""
    text = get_object_or_404(SourceText.objects.readable_by(request.user), slug=slug)
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
    """Every counted attempt, grouped by quiz, with each quiz's grade: my_scores.html. Marks
    show as the review options of each quiz in its course allow."""
    Attempt.objects.for_student(request.user).close_overdue()
    attempts = (
        Attempt.objects.for_student(request.user)
        .counted()
        .select_related("quiz", "course")
        .order_by("course__title", "course_id", "quiz__title", "quiz_id", "started_at", "pk")
    )
    groups: dict[tuple[int, int], list[Attempt]] = {}
    for attempt in attempts:
        groups.setdefault((attempt.course_id, attempt.quiz_id), []).append(attempt)
    assignments = {
        (assignment.course_id, assignment.quiz_id): assignment
        for assignment in Assignment.objects.filter(
            course__in={course for course, _ in groups}, quiz__in={quiz for _, quiz in groups}
        )
    }
    now = timezone.now()
    standings_shown = []
    for place, attempts_here in groups.items():
        quiz, course = attempts_here[0].quiz, attempts_here[0].course
        assignment = assignments.get(place)
        if assignment:
            assignment.quiz = quiz  # its review options fall back to the quiz's
        schedule = adjusted(quiz.schedule, assignment.adjustment) if assignment else quiz.schedule
        standing = Standing(
            quiz, attempts_here, schedule, assignment.review if assignment else None, now
        )
        standing.course = course
        standings_shown.append(standing)
    return render(request, "quizzes/student/my_scores.html", {"standings": standings_shown})


# Taking an attempt (owned by the attempt-flow engineer)

ATTEMPT_PAGE = "quizzes/student/attempt.html"
TIME_RAN_OUT = "Time ran out: your saved answers were submitted."
NOT_SUBMITTED = (
    "Time ran out before this attempt was submitted, so it does not count towards your grade."
)
CHANGED_ELSEWHERE = (
    "Changed in another window: this answer was saved there after you opened it here, so yours "
    "was not stored. Reload to see it."
)
STALE_ANSWER = (
    "A newer answer to this question was already saved, so this older one was not stored. "
    "The newer answer is shown."
)


def _student_attempt(request: HttpRequest, pk: int) -> Attempt:
    """The user's own attempt with its quiz, the quiz's text and every response: two queries."""
    # By position alone: Response's Meta ordering ("attempt", "position") orders by the
    # attempt's own ordering, which joins quizzes_attempt into every page's responses query.
    responses = Response.objects.annotate(source_text_id=F("question__source_text_id")).order_by(
        "position"
    )
    return get_object_or_404(
        Attempt.objects.for_student(request.user)
        .select_related("quiz__source_text", "course")
        .prefetch_related(Prefetch("responses", queryset=responses)),
        pk=pk,
    )


def _responses_at(request: HttpRequest, pk: int, *positions: int) -> list[Response]:
    """The user's responses at these positions (one or two) of attempt pk, each with the attempt
    and its quiz: one query. 404 unless the first position exists."""
    shown = responses_shown(request.user, pk, positions[0], positions[-1])
    if not shown or shown[0].position != positions[0]:
        raise Http404("This attempt has no such question.")
    return shown


def _navigator(attempt: Attempt, position: int) -> tuple[str, int, int]:
    """The navigator's list items, how many questions there are and how many are answered.

    Built here rather than by a template loop: the loop over 49 questions was a third of the
    page's time. Only integers and fixed text go in, so there is nothing to escape. Each item is
    short (its state is in its name; the symbols come from attempt.css) because the navigator
    is in every page and every answer's reply: it was 15 of a page's 22 KB.
    """
    prefix = _question_prefix(attempt)
    states = attempt.response_states()
    items = []
    for number, answered, flagged in states:
        css = "nav-item" + (" is-answered" if answered else "") + (" is-flagged" if flagged else "")
        name = f"Question {number}, {'answered' if answered else 'not answered'}"
        name += ", flagged" if flagged else ""
        current = ' aria-current="step"' if number == position else ""
        # A submit button of the answer form, so that without JavaScript the answer is saved
        # before going there; htmx fetches the card instead (app.js saves an edit first).
        items.append(
            f'<li><button type="submit" form="answer-form" name="go" value="{number}"'
            f' class="{css}" hx-get="{prefix}{number}/" aria-label="{name}"{current}>'
            f"{number}</button></li>"
        )
    answered_count = sum(answered for _, answered, _ in states)
    return mark_safe("".join(items)), len(states), answered_count


def _time_left(attempt: Attempt, now) -> str:
    """The countdown as first drawn by the server ("14:05"); app.js takes over from there."""
    if attempt.deadline is None:
        return ""
    # In a grace period the clock counts down the time left to submit.
    ends = attempt.grace_ends_at if attempt.in_grace_period(now) else attempt.deadline
    seconds = max(0, int((ends - now).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02}:{rest % 60:02}" if hours else f"{rest // 60}:{rest % 60:02}"


def _question_url(attempt: Attempt, position: int) -> str:
    return reverse_cached("quizzes:attempt_question", attempt.pk, position)


def _flag_url(attempt: Attempt, position: int) -> str:
    return reverse_cached("quizzes:toggle_flag", attempt.pk, position)


def _question_prefix(attempt: Attempt) -> str:
    """The attempt's question URLs without the position ("/attempts/7/questions/")."""
    return _question_url(attempt, 1).removesuffix("1/")


def _result_url(attempt: Attempt) -> str:
    return reverse("quizzes:attempt_result", args=[attempt.pk])


def _grace_message(attempt: Attempt) -> str:
    until = timezone.localtime(attempt.grace_ends_at)
    return (
        f"Time is up: answers can no longer change. Submit your saved answers by {until:%H:%M}, "
        "or this attempt will not count."
    )


def _closed_attempt(
    request: HttpRequest, attempt: Attempt, *, answering=False, submitting=False
) -> HttpResponse | None:
    """Where to send a request for an attempt that is over; None while it is open and in time.

    In a grace period only the finish page stays open (submitting=True): anything else goes there.
    """
    now = timezone.now()
    if attempt.must_close(now):
        # The server is the authority on time: close it now under the quiz's overdue policy.
        if not attempt.finish(moment=now):
            attempt.refresh_from_db(fields=["state", "submitted_at", "score"])
        message = NOT_SUBMITTED if attempt.is_abandoned else TIME_RAN_OUT
        if answering:
            message = "Time ran out before this answer arrived, so it was not saved. " + message
        messages.warning(request, message)
    elif attempt.in_grace_period(now) and not submitting:
        message = _grace_message(attempt)
        if answering:
            message = "This answer arrived after the time limit, so it was not saved. " + message
        messages.warning(request, message)
        return redirect_page(request, reverse("quizzes:finish_attempt", args=[attempt.pk]))
    if not attempt.is_in_progress:
        return redirect_page(request, _result_url(attempt))
    return None


def _feedback_shown(attempt: Attempt) -> review_options.Visible:
    """What the feedback after each answer shows: the review options' first column, the
    course's own or the quiz's. One query."""
    if attempt.is_preview:
        return review_options.EVERYTHING
    assignment = Assignment.objects.filter(
        quiz=attempt.quiz_id, course=attempt.course_id
    ).order_by()[:1]
    found = next(iter(assignment), None)
    if found is not None:
        found.quiz = attempt.quiz
    options = found.review if found is not None else attempt.quiz.review
    return options.at(review_options.Moment.DURING)


def _exam_locked(request: HttpRequest, response: Response) -> HttpResponse | None:
    """The locked page when another attempt in progress forbids this one's feedback (only a
    quiz with feedback after each answer shows any while it is in progress)."""
    attempt = response.attempt
    if attempt.quiz.feedback != Quiz.Feedback.IMMEDIATE or attempt.is_preview:
        return None
    blocking = exam_lock.blocking_attempt(request.user, attempt, timezone.now())
    if blocking is None:
        return None
    if request.htmx:
        return redirect_page(request, _question_url(attempt, response.position))
    return exam_lock.locked_page(request, blocking)


def _answer_controls(form, kind) -> dict:
    return {
        "answer_template": kind.answer_template,
        "answer_hint": form.hint,
        "answer_label_prefix": form.label_prefix_hidden,
        "answer_controls": form.controls(),
        "answer_errors": form.error_summary(),
    }


def _render_question(
    request: HttpRequest,
    response: Response,
    *,
    form=None,
    notice: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The question page, or for htmx the question card plus the navigator out of band."""
    attempt = response.attempt
    quiz = attempt.quiz
    immediate = quiz.feedback == Quiz.Feedback.IMMEDIATE
    locked = immediate and response.is_answered
    feedback = None
    if locked:
        feedback = review.review(
            response,
            review.source_texts(attempt, [response]),
            link_text=quiz.text_during_quiz,
            shown=_feedback_shown(attempt),
        )
    position = response.position
    question_url = _question_url(attempt, position)
    navigator, total, answered_count = _navigator(attempt, position)
    now = timezone.now()
    context = {
        "attempt": attempt,
        "quiz": quiz,
        "navigator": navigator,
        "response": response,
        "snapshot": response.snapshot,
        "position": position,
        "total": total,
        "answered_count": answered_count,
        "question_url": question_url,
        "flag_url": _flag_url(attempt, position),
        "previous_url": _question_url(attempt, position - 1) if position > 1 else None,
        "next_url": _question_url(attempt, position + 1) if position < total else None,
        "finish_url": reverse_cached("quizzes:finish_attempt", attempt.pk),
        # The answer form as plain values: looking names up on a Form in a template first
        # tries it as a field name, and each miss raised and formatted a KeyError.
        **_answer_controls(form or answer_form(response), kinds.of(response.snapshot)),
        "immediate": immediate,
        # Autosave only where an answer may change: with feedback, saving locks the answer.
        "autosave": not immediate and not locked,
        "locked": locked,
        "feedback": feedback,
        "notice": notice,
        "error": error,
        "now": now,
        "server_ms": int(now.timestamp() * 1000),
        "time_left": _time_left(attempt, now),
        "text_url": (
            reverse_cached("quizzes:source_text_detail", response.quiz_text_slug)
            if quiz.text_during_quiz and response.quiz_text_slug
            else None
        ),
    }
    template = ATTEMPT_PAGE
    if request.htmx and not request.htmx.history_restore_request:
        template += "#question-update"
    page = render(request, template, context, status=status)
    if request.htmx and request.method == "POST":
        # A new history entry only when the card moved on; otherwise keep Back meaningful.
        if request.path != question_url:
            push_url(page, question_url)
        else:
            replace_url(page, question_url)
    return page


@require_POST
@login_required
@vary_on_headers("HX-Request")
def start_quiz(request: HttpRequest, slug: str) -> HttpResponse:
    """Start or resume the user's attempt (teachers: a preview) at its first open question, in
    the course the form names (the quiz page's)."""
    offer = offering(request.user, slug, request.POST.get("course", ""), for_page=False)
    try:
        attempt = start_attempt(quiz=offer.quiz, student=request.user, offered=offer)
    except AttemptNotAllowed as refused:
        messages.error(request, str(refused))
        return redirect_page(request, offer.url)
    # A new attempt starts at question 1; a resumed one at its first unanswered question.
    position = None
    if not attempt.is_new:
        position = (
            attempt.responses.filter(answered_at__isnull=True)
            .order_by("position")
            .values_list("position", flat=True)
            .first()
        )
    return redirect_page(request, _question_url(attempt, position or 1))


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
@vary_on_headers("HX-Request")
def attempt_question(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    """One question of an attempt (attempt.html); POST saves the answer and shows the next card."""
    if request.method == "GET":
        (response,) = _responses_at(request, pk, position)
        if closed := _closed_attempt(request, response.attempt):
            return closed
        if locked := _exam_locked(request, response):
            return locked
        return _render_question(request, response)

    response, *following = _responses_at(request, pk, position, position + 1)
    attempt = response.attempt
    if closed := _closed_attempt(request, attempt, answering=True):
        return closed
    if locked := _exam_locked(request, response):
        return locked
    immediate = attempt.quiz.feedback == Quiz.Feedback.IMMEDIATE
    answered_once = (
        "You have already answered this question; with feedback shown, it cannot change."
    )
    save = SaveForm(request.POST)
    if not save.is_valid():
        return HttpResponse("This save could not be read. Reload the page.", status=400)
    seq, base = save.cleaned_data["seq"], save.cleaned_data["base"]
    if save.cleaned_data["autosave"]:
        return _autosave(request, response, seq, base)
    if save.cleaned_data["go"]:
        return _leave_question(request, response, save.cleaned_data["go"], seq)
    if immediate and response.is_answered:
        return _render_question(request, response, error=answered_once)
    form = answer_form(response, request.POST)
    if not form.is_valid():
        return _render_question(request, response, form=form)
    try:
        stored = response.save_answer(form.answer(), seq=seq, once=immediate, base=base)
    except AnswerRefused as refused:
        return _render_question(request, response, form=form, error=str(refused))
    if not stored:
        # A newer version (another tab, a replayed or delayed post) is kept: show it.
        error = answered_once if immediate else STALE_ANSWER
        if changed_elsewhere(response, base=base):
            error = CHANGED_ELSEWHERE
        if not request.htmx:
            messages.warning(request, error)
            return redirect(_question_url(attempt, position))
        return _render_question(request, response, error=error)

    saved = f"Your answer to question {position} was saved."
    if immediate:
        shown = response
    elif following:
        shown = following[0]
    else:
        messages.success(request, saved)
        return redirect_page(request, reverse("quizzes:finish_attempt", args=[attempt.pk]))
    if not request.htmx:
        if not immediate:
            messages.success(request, saved)
        return redirect(_question_url(attempt, shown.position))
    return _render_question(request, shown, notice="" if immediate else saved)


def _leave_question(request: HttpRequest, response: Response, go: str, seq) -> HttpResponse:
    """Previous, Next, a navigator button, Flag or Finish, pressed without JavaScript (or Finish
    with it): save the answer first, as the htmx path does, then go there.

    Nothing is stored for a question left blank (an untouched ordering question included), nor
    when the answer did not change; an answer that cannot be read keeps the student on the
    question with the reason. With feedback after each answer, leaving never checks an answer.
    """
    attempt = response.attempt
    here = _question_url(attempt, response.position)
    if attempt.quiz.feedback != Quiz.Feedback.IMMEDIATE:
        form = answer_form(response, request.POST)
        if form.is_valid() and form.answer() != response.answer:
            try:
                stored = response.save_answer(form.answer(), seq=seq)
            except AnswerRefused as refused:
                return _render_question(request, response, form=form, error=str(refused))
            if not stored:
                messages.warning(request, STALE_ANSWER)
                return redirect_page(request, here)
            messages.success(request, f"Your answer to question {response.position} was saved.")
        elif not form.is_valid() and not form.is_blank():
            return _render_question(request, response, form=form)
    if go in ("flag", "unflag"):
        response.flagged = go == "flag"
        response.save(update_fields=["flagged"])
        return redirect_page(request, here)
    if go == "finish":
        return redirect_page(request, reverse("quizzes:finish_attempt", args=[attempt.pk]))
    return redirect_page(request, _question_url(attempt, int(go)))


def _autosave(
    request: HttpRequest, response: Response, seq: int | None, base: int | None
) -> HttpResponse:
    """Store an answer as it is typed, without moving on: the save status and the navigator."""
    attempt = response.attempt
    if not request.htmx:
        return redirect(_question_url(attempt, response.position))
    state, message = "saved", ""
    if attempt.quiz.feedback == Quiz.Feedback.IMMEDIATE:
        state, message = "refused", "Not saved: press “Check answer” to answer."
    else:
        form = answer_form(response, request.POST)
        if not form.is_valid():
            state, message = "invalid", "Not saved yet: " + form.error_summary()[0]
        else:
            try:
                if not response.save_answer(form.answer(), seq=seq, base=base):
                    state, message = "stale", "Saved (a newer version of this answer is kept)."
                    if changed_elsewhere(response, base=base):
                        state, message = "conflict", CHANGED_ELSEWHERE
            except AnswerRefused as refused:
                state, message = "refused", str(refused)
    context = {
        "attempt": attempt,
        "navigator": _navigator(attempt, response.position)[0],
        "response": response,
        "position": response.position,
        "save_state": state,
        "save_message": message,
        "question_url": _question_url(attempt, response.position),
        "saved_at": timezone.localtime(response.answered_at) if response.answered_at else None,
    }
    return render(request, ATTEMPT_PAGE + "#save-update", context)


@require_POST
@login_required
@never_cache
@vary_on_headers("HX-Request")
def toggle_flag(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    """Flag a question for review or clear the flag; htmx swaps the flag button and navigator."""
    (response,) = _responses_at(request, pk, position)
    attempt = response.attempt
    if closed := _closed_attempt(request, attempt):
        return closed
    form = FlagForm(request.POST)
    if form.is_valid():
        response.flagged = form.cleaned_data["flagged"]
        response.save(update_fields=["flagged"])
    if not request.htmx:
        return redirect(_question_url(attempt, position))
    context = {
        "attempt": attempt,
        "navigator": _navigator(attempt, position)[0],
        "response": response,
        "position": position,
        "flag_url": _flag_url(attempt, position),
    }
    return render(request, ATTEMPT_PAGE + "#flag-update", context)


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
@vary_on_headers("HX-Request")
def finish_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: summary of unanswered and flagged questions (attempt_finish.html); POST: submit once."""
    attempt = _student_attempt(request, pk)
    # A replayed or double-clicked submit finds the attempt closed and just goes to the results.
    if closed := _closed_attempt(request, attempt, submitting=True):
        return closed
    if request.method == "POST":
        if attempt.finish():
            if attempt.state == Attempt.State.EXPIRED:
                messages.warning(request, TIME_RAN_OUT)
            elif attempt.is_abandoned:
                messages.warning(request, NOT_SUBMITTED)
            else:
                messages.success(request, "Your answers were submitted.")
        return redirect_page(request, _result_url(attempt))
    responses = list(attempt.responses.all())
    now = timezone.now()
    return render(
        request,
        "quizzes/student/attempt_finish.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "responses": responses,
            "total": len(responses),
            "answered": [item for item in responses if item.is_answered],
            "unanswered": [item for item in responses if not item.is_answered],
            "flagged": [item for item in responses if item.flagged],
            "now": now,
            "time_left": _time_left(attempt, now),
            "in_grace": attempt.in_grace_period(now),
            "grace_message": _grace_message(attempt) if attempt.in_grace_period(now) else "",
        },
    )


@require_GET
@login_required
@never_cache
def attempt_result(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary (score, time, counts, a navigator by result), then every answer reviewed,
    showing only what the review options allow at this moment."""
    attempt = _student_attempt(request, pk)
    if attempt.must_close():
        if not attempt.finish():
            attempt.refresh_from_db(fields=["state", "submitted_at", "score"])
        messages.warning(request, NOT_SUBMITTED if attempt.is_abandoned else TIME_RAN_OUT)
    if attempt.is_in_progress:
        responses = list(attempt.responses.all())
        first_open = next((item.position for item in responses if not item.is_answered), 1)
        return redirect(_question_url(attempt, first_open))
    quiz = attempt.quiz
    responses = list(attempt.responses.all())
    now = timezone.now()
    blocking = exam_lock.blocking_attempt(request.user, attempt, now)
    if blocking is not None:
        return exam_lock.locked_page(request, blocking)
    texts = review.source_texts(attempt, responses)
    try:
        offer = offering(request.user, quiz.slug, attempt.course.code)
    except Http404:
        offer = None  # no longer in the course: the review stays, the quiz is gone for them
    if offer:
        standing = standings(request.user, [offer])[0]
    else:
        # Out of the course, the quiz is closed for them: the review shows what it shows then.
        standing = Standing(quiz, [attempt], Schedule(closes_at=now), now=now)
    shown = standing.shown(attempt)
    can_retake = (
        offer is not None
        and standing.in_progress is None
        and (attempt.is_preview or (offer.schedule.is_open_at(now) and standing.attempts_left != 0))
    )
    reviews = [review.review(item, texts, link_text=True, shown=shown) for item in responses]
    review.fold_repeated_passages(reviews)
    return render(
        request,
        "quizzes/student/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "result": attempt.result,
            "passed": attempt.passed(),
            "shown": shown,
            "reviews": reviews,
            "counts": review.outcome_counts(reviews),
            "time_taken": duration_text(attempt.submitted_at - attempt.started_at),
            "later_note": _later_note(standing),
            "comment": attempt.comment if shown.explanation else "",
            "standing": standing,
            "can_retake": can_retake,
            "quiz_url": offer.url if offer else "",
        },
    )


def _later_note(standing: Standing) -> str:
    """When the answers not shown now will be: the moment the review options first show them."""
    if standing.review.at(Moment.LATER_WHILE_OPEN).answer and not standing.is_over:
        return "The correct answers will be shown a few minutes after you submit."
    if standing.review.at(Moment.AFTER_CLOSE).answer and not standing.is_over:
        if standing.attempts_left is not None:
            return (
                "The correct answers will be shown once the quiz closes or you have used your "
                "last attempt."
            )
        return "The correct answers will be shown once the quiz closes."
    return "Your teacher has chosen not to show the correct answers of this quiz."
