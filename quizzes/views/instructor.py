"""Teaching pages under /teach/: a course's quizzes, gradebook, students and attempts, item
analysis, the heatmap, exports and regrading.

Each page starts from the user's courses: a course they neither teach nor assist, and anything
in it, is a 404; assistants read (reports, attempts), teachers also change (regrading). Each
report reads the database in a fixed number of queries (quizzes/reports.py).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from quizzes import charts, regrading, reports, review
from quizzes.forms import AnalysisForm, GradebookForm, MarkingForm, RegradeForm
from quizzes.models import (
    Attempt,
    Course,
    MarkingEvent,
    MarkingRefused,
    Membership,
    Quiz,
    Regrade,
    RegradedResponse,
    Response,
    comment_on_attempt,
    mark_response,
)
from quizzes.models.lms import ScoreDelivery
from quizzes.permissions import is_course_staff, require_teacher, teaching_required


def staffed_course(request: HttpRequest, code: str) -> Course:
    """A course the user teaches or assists, by its code; 404 for any other."""
    return get_object_or_404(Course.objects.staffed_by(request.user), code=code)


def quiz_in(course: Course, slug: str) -> Quiz:
    """A quiz of the course or given to it; 404 for any other."""
    return get_object_or_404(
        Quiz.objects.filter(Q(course=course) | Q(assignments__course=course))
        .select_related("source_text")
        .distinct(),
        slug=slug,
    )


def _owned_quiz(request: HttpRequest, slug: str) -> Quiz:
    """A quiz the user reads (404 otherwise) whose own course they teach or assist (403
    otherwise): its reports across every course it is given to are its own course's staff's."""
    quiz = get_object_or_404(
        Quiz.objects.reported_to(request.user).select_related("source_text", "course"), slug=slug
    )
    if not is_course_staff(request.user, quiz.course):
        raise PermissionDenied("This quiz's reports across courses are for its own course.")
    return quiz


def _attempt_choice(request: HttpRequest, quiz: Quiz) -> tuple[AnalysisForm, str]:
    form = AnalysisForm(request.GET or None)
    if form.is_bound and form.is_valid() and form.cleaned_data["attempts"]:
        return form, form.cleaned_data["attempts"]
    default = reports.default_attempts(quiz)
    return AnalysisForm(initial={"attempts": default}), default


# A course's gradebook, students and attempts


@require_GET
@teaching_required
@vary_on_headers("HX-Request")
def gradebook(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    """One row per student of the course, attempted or not; search, filter and sort swap just
    the table under htmx."""
    course = staffed_course(request, code)
    quiz = quiz_in(course, slug)
    form = GradebookForm(request.GET)
    options = form.cleaned_data if form.is_valid() else {}
    sort = options.get("sort") or "student"
    desc = bool(options.get("desc"))
    rows = reports.gradebook(
        quiz,
        course,
        search=options.get("q", ""),
        status=options.get("status", ""),
        sort=sort,
        desc=desc,
    )
    lms_scores = {
        delivery.lti_user.auth_user_id: delivery
        for delivery in ScoreDelivery.objects.filter(quiz=quiz, course=course).select_related(
            "lti_user"
        )
    }
    for row in rows:
        row.lms_score = lms_scores.get(row.student.pk)
    query = request.GET.copy()
    query.pop("sort", None)
    query.pop("desc", None)
    template = "quizzes/instructor/gradebook.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#gradebook-update"
    return render(
        request,
        template,
        {
            "course": course,
            "quiz": quiz,
            "form": form,
            "rows": rows,
            "sort": sort,
            "desc": desc,
            "base_query": query.urlencode(),
            "filtered": bool(options.get("q") or options.get("status")),
            "lms_scores": lms_scores,
            "columns": [
                ("student", "Student"),
                ("attempts", "Attempts"),
                ("grade", "Grade"),
                ("best", "Best"),
                ("last", "Last"),
                ("time", "Time taken (last)"),
                ("submitted", "Submitted (last)"),
            ],
            "chart": charts.score_distribution(
                [row.grade for row in rows if row.grade is not None]
            ),
        },
    )


@require_GET
@teaching_required
def student_attempts(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One student's attempts in the course, with their scores over time."""
    course = staffed_course(request, code)
    member = get_object_or_404(
        Membership.objects.filter(course=course).select_related("user"), user_id=pk
    )
    attempts = list(
        Attempt.objects.for_student(member.user)
        .filter(course=course)
        .counted()
        .select_related("quiz")
        .order_by("submitted_at", "pk")
    )
    chart = charts.scores_over_time(
        [(a.submitted_at, a.result.percent, a.quiz.title) for a in attempts]
    )
    return render(
        request,
        "quizzes/instructor/student_attempts.html",
        {
            "course": course,
            "member": member,
            "student": member.user,
            "attempts": attempts,
            "chart": chart,
        },
    )


@require_http_methods(["GET", "POST"])
@teaching_required
@vary_on_headers("HX-Request")
def attempt_review(request: HttpRequest, pk: int) -> HttpResponse:
    """One attempt as its student sees it, with the key and the text, for marking: POST gives an
    answer a mark and a comment, or comments on the whole attempt; htmx swaps the card."""
    attempt = _staffed_attempt(request, pk)
    form = MarkingForm(request.POST or None)
    marked = None
    if form.is_bound:
        if not form.is_valid():
            return _attempt_review_page(request, attempt, form, status=400)
        position = form.cleaned_data["position"]
        try:
            if position is None:
                comment_on_attempt(
                    attempt, comment=form.cleaned_data["comment"], teacher=request.user
                )
            else:
                marked = next((r for r in attempt.responses.all() if r.position == position), None)
                if marked is None:
                    raise Http404("This attempt has no such question.")
                mark_response(
                    marked,
                    marks=form.cleaned_data["marks"],
                    comment=form.cleaned_data["comment"],
                    teacher=request.user,
                )
        except MarkingRefused as refused:
            form.add_error(None, str(refused))
            return _attempt_review_page(request, attempt, form, status=400)
        if not request.htmx:
            messages.success(request, "Saved.")
            anchor = f"#q{position}" if position else "#attempt-comment"
            return redirect(reverse("quizzes:attempt_review", args=[attempt.pk]) + anchor)
        attempt = _staffed_attempt(request, pk)
    return _attempt_review_page(
        request, attempt, MarkingForm(), position=marked and marked.position
    )


def _staffed_attempt(request: HttpRequest, pk: int) -> Attempt:
    responses = Response.objects.annotate(source_text_id=F("question__source_text_id"))
    return get_object_or_404(
        Attempt.objects.filter(course__in=Course.objects.staffed_by(request.user))
        .select_related("quiz__source_text", "student", "course")
        .prefetch_related(
            Prefetch("responses", queryset=responses),
            Prefetch(
                "regraded_responses",
                queryset=RegradedResponse.objects.select_related("regrade", "response"),
            ),
            Prefetch(
                "marking_events",
                queryset=MarkingEvent.objects.select_related("marked_by", "response"),
            ),
        ),
        pk=pk,
    )


def _attempt_review_page(
    request: HttpRequest, attempt: Attempt, form, *, position=None, status: int = 200
) -> HttpResponse:
    items = list(attempt.responses.all())
    texts = review.source_texts(attempt, items)
    events = list(attempt.marking_events.all())
    reviews = []
    for item in items:
        item_review = review.review(item, texts, link_text=True)
        item_review.history = [event for event in events if event.response_id == item.pk]
        reviews.append(item_review)
    template = "quizzes/instructor/attempt_review.html"
    context = {
        "attempt": attempt,
        "course": attempt.course,
        "quiz": attempt.quiz,
        "result": attempt.result,
        "reviews": reviews,
        "regraded": list(attempt.regraded_responses.all()),
        "attempt_history": [event for event in events if event.response_id is None],
        "form": form,
        "answer_label": "Answer given",
        "markable": not attempt.is_in_progress and not attempt.is_abandoned,
    }
    if request.htmx and form.errors:
        # Not the card: the reason goes where every error of this page goes.
        page = render(request, template + "#marking-errors", context)
        return retarget(reswap(page, "outerHTML"), "#marking-errors")
    if request.htmx and position is not None and not request.htmx.history_restore_request:
        context["review"] = next(item for item in reviews if item.response.position == position)
        template += "#marked-card"
    elif request.htmx and request.method == "POST" and status == 200:
        template += "#attempt-comment"
    return render(request, template, context, status=status)


# Item analysis and the text heatmap


def _analysis(request: HttpRequest, quiz: Quiz, course: Course | None) -> HttpResponse:
    form, attempts = _attempt_choice(request, quiz)
    report = reports.item_analysis(quiz, attempts, course=course)
    summary = report.analysis.quiz
    template = "quizzes/instructor/item_analysis.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#analysis"
    return render(
        request,
        template,
        {
            "quiz": quiz,
            "course": course,
            "form": form,
            "report": report,
            "summary": summary,
            "mean_percent": summary.percent(summary.mean),
            "median_percent": summary.percent(summary.median),
            "distribution": charts.score_distribution(
                [summary.percent(total) for total in report.analysis.totals]
            ),
            "scatter": charts.facility_discrimination(
                [
                    (
                        f"Q{item.position}",
                        item.stats.facility,
                        item.stats.discrimination_index,
                        bool(item.stats.flags),
                    )
                    for item in report.questions
                ]
            ),
        },
    )


@require_GET
@teaching_required
@vary_on_headers("HX-Request")
def item_analysis(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    """Moodle's item analysis of the course's attempts, with flags, distractors and two charts."""
    course = staffed_course(request, code)
    return _analysis(request, quiz_in(course, slug), course)


@require_GET
@teaching_required
@vary_on_headers("HX-Request")
def quiz_item_analysis(request: HttpRequest, slug: str) -> HttpResponse:
    """The item analysis of every course's attempts, for the quiz's own course's staff."""
    return _analysis(request, _owned_quiz(request, slug), None)


def _heatmap(request: HttpRequest, quiz: Quiz, course: Course | None) -> HttpResponse:
    form, attempts = _attempt_choice(request, quiz)
    report = reports.item_analysis(quiz, attempts, course=course)
    template = "quizzes/instructor/text_heatmap.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#heatmap"
    return render(
        request,
        template,
        {
            "quiz": quiz,
            "course": course,
            "form": form,
            "report": report,
            "texts": reports.text_heatmap(report),
            "buckets": [(n, f"{(n - 1) * 20}–{n * 20} %") for n in range(1, reports.BUCKETS + 1)],
        },
    )


@require_GET
@teaching_required
@vary_on_headers("HX-Request")
def text_heatmap(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    """The source text with each cited excerpt shaded by the facility of its questions, over
    the course's attempts."""
    course = staffed_course(request, code)
    return _heatmap(request, quiz_in(course, slug), course)


@require_GET
@teaching_required
@vary_on_headers("HX-Request")
def quiz_text_heatmap(request: HttpRequest, slug: str) -> HttpResponse:
    """The heatmap over every course's attempts, for the quiz's own course's staff."""
    return _heatmap(request, _owned_quiz(request, slug), None)


# Exports

EXPORTS = {"grades", "attempts", "responses"}


def _csv_response(chunks, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in chunks), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@teaching_required
def export_csv(request: HttpRequest, code: str, slug: str, kind: str) -> StreamingHttpResponse:
    """grades, attempts or responses of one quiz in the course as CSV (UTF-8 with a BOM for
    spreadsheets)."""
    if kind not in EXPORTS:
        raise Http404("No such export.")
    course = staffed_course(request, code)
    quiz = quiz_in(course, slug)
    if kind == "grades":
        chunks = reports.grades_csv(course, [quiz])
    elif kind == "attempts":
        chunks = reports.attempts_csv(quiz, course)
    else:
        chunks = reports.responses_csv(quiz, course)
    return _csv_response(chunks, f"{course.code}-{quiz.slug}-{kind}.csv")


@require_GET
@teaching_required
def course_grades_csv(request: HttpRequest, code: str) -> StreamingHttpResponse:
    """Every quiz's grades for every student of the course, one row per student and quiz."""
    course = staffed_course(request, code)
    quizzes = (
        Quiz.objects.filter(Q(course=course) | Q(assignments__course=course))
        .distinct()
        .order_by("title", "pk")
    )
    return _csv_response(reports.grades_csv(course, quizzes), f"{course.code}-grades.csv")


# Regrading


@require_http_methods(["GET", "POST"])
@teaching_required
def regrade_quiz(request: HttpRequest, slug: str) -> HttpResponse:
    """A dry run listing whose grade changes and by how much, then the regrade itself (of every
    course's attempts): for the teachers of the quiz's own course."""
    quiz = get_object_or_404(
        Quiz.objects.reported_to(request.user).select_related("course"), slug=slug
    )
    require_teacher(request.user, quiz.course)
    # ?question= comes from the question editor, after a key changed.
    form = RegradeForm(
        request.POST or None, quiz=quiz, initial={"question": request.GET.get("question")}
    )
    plan = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["action"] == "apply":
            _regrade, plan = regrading.apply_regrade(
                quiz,
                mode=data["mode"],
                question=data["question"],
                by=request.user,
                note=data["note"],
            )
            messages.success(
                request,
                f"Regraded: {len(plan.mark_changes)} responses in {len(plan.attempts)} attempts "
                "changed.",
            )
            return redirect("quizzes:regrade_quiz", slug=quiz.slug)
        plan = regrading.plan_regrade(quiz, mode=data["mode"], question=data["question"])
    history = (
        Regrade.objects.filter(quiz=quiz)
        .select_related("question", "regraded_by")
        .prefetch_related("changes")[:20]
    )
    return render(
        request,
        "quizzes/instructor/regrade_quiz.html",
        {"quiz": quiz, "form": form, "plan": plan, "history": history},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
