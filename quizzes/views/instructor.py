"""Instructor pages under /teach/: overview, gradebook, students, item analysis, heatmap, regrading.

Every view needs the quizzes.change_quiz permission (the Instructors group); students get a 403,
never the data. Each report reads the database in a fixed number of queries (quizzes/reports.py).
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import F, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from quizzes import charts, regrading, reports, review
from quizzes.forms import AnalysisForm, GradebookForm, RegradeForm
from quizzes.models import Attempt, Quiz, Regrade, RegradedResponse, Response

INSTRUCTOR = "quizzes.change_quiz"


def _quiz(request: HttpRequest, slug: str) -> Quiz:
    return get_object_or_404(Quiz.objects.available_to(request.user), slug=slug)


def _attempt_choice(request: HttpRequest, quiz: Quiz) -> tuple[AnalysisForm, str]:
    form = AnalysisForm(request.GET or None)
    if form.is_bound and form.is_valid() and form.cleaned_data["attempts"]:
        return form, form.cleaned_data["attempts"]
    default = reports.default_attempts(quiz)
    return AnalysisForm(initial={"attempts": default}), default


# Overview and gradebook


@require_GET
@login_required
@permission_required(INSTRUCTOR, raise_exception=True)
def course_overview(request: HttpRequest) -> HttpResponse:
    """Every quiz with attempts, students, mean and median grade, pass rate, last activity."""
    quizzes = Quiz.objects.available_to(request.user).order_by("title", "pk")
    return render(
        request,
        "quizzes/instructor/course_overview.html",
        {"rows": reports.course_overview(quizzes)},
    )


@require_GET
@login_required
@permission_required(INSTRUCTOR, raise_exception=True)
@vary_on_headers("HX-Request")
def gradebook(request: HttpRequest, slug: str) -> HttpResponse:
    """One row per student; search, filter and sort swap just the table under htmx."""
    quiz = _quiz(request, slug)
    form = GradebookForm(request.GET)
    options = form.cleaned_data if form.is_valid() else {}
    sort = options.get("sort") or "student"
    desc = bool(options.get("desc"))
    rows = reports.gradebook(
        quiz,
        search=options.get("q", ""),
        status=options.get("status", ""),
        sort=sort,
        desc=desc,
    )
    query = request.GET.copy()
    query.pop("sort", None)
    query.pop("desc", None)
    template = "quizzes/instructor/gradebook.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#gradebook-table"
    return render(
        request,
        template,
        {
            "quiz": quiz,
            "form": form,
            "rows": rows,
            "sort": sort,
            "desc": desc,
            "base_query": query.urlencode(),
            "columns": [
                ("student", "Student"),
                ("attempts", "Attempts"),
                ("grade", "Grade"),
                ("best", "Best"),
                ("last", "Last"),
                ("time", "Time taken (last)"),
                ("submitted", "Submitted (last)"),
            ],
            "chart": charts.score_distribution([row.grade for row in rows]),
        },
    )


@require_GET
@login_required
@permission_required(INSTRUCTOR, raise_exception=True)
def student_attempts(request: HttpRequest, pk: int) -> HttpResponse:
    """One student's attempts across every quiz, with their scores over time."""
    student = get_object_or_404(get_user_model(), pk=pk)
    attempts = list(
        Attempt.objects.for_student(student)
        .filter(quiz__in=Quiz.objects.available_to(request.user))
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
        {"student": student, "attempts": attempts, "chart": chart},
    )


@require_GET
@login_required
@permission_required(INSTRUCTOR, raise_exception=True)
def attempt_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The review the student sees of one attempt, every response with the key and the text."""
    responses = Response.objects.annotate(source_text_id=F("question__source_text_id"))
    attempt = get_object_or_404(
        Attempt.objects.filter(quiz__in=Quiz.objects.available_to(request.user))
        .select_related("quiz__source_text", "student")
        .prefetch_related(
            Prefetch("responses", queryset=responses),
            Prefetch(
                "regraded_responses",
                queryset=RegradedResponse.objects.select_related("regrade", "response"),
            ),
        ),
        pk=pk,
    )
    items = list(attempt.responses.all())
    texts = review.source_texts(attempt, items)
    return render(
        request,
        "quizzes/instructor/attempt_review.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "result": attempt.result,
            "reviews": [review.review(item, texts, link_text=True) for item in items],
            "regraded": list(attempt.regraded_responses.all()),
        },
    )


# Item analysis and the text heatmap


@require_GET
@login_required
@permission_required(INSTRUCTOR, raise_exception=True)
@vary_on_headers("HX-Request")
def item_analysis(request: HttpRequest, slug: str) -> HttpResponse:
    """Moodle's item analysis with flags, distractors and two charts."""
    quiz = _quiz(request, slug)
    form, attempts = _attempt_choice(request, quiz)
    report = reports.item_analysis(quiz, attempts)
    summary = report.analysis.quiz
    template = "quizzes/instructor/item_analysis.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#analysis"
    return render(
        request,
        template,
        {
            "quiz": quiz,
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
@login_required
@permission_required(INSTRUCTOR, raise_exception=True)
@vary_on_headers("HX-Request")
def text_heatmap(request: HttpRequest, slug: str) -> HttpResponse:
    """The source text with each cited excerpt shaded by the facility of its questions."""
    quiz = _quiz(request, slug)
    form, attempts = _attempt_choice(request, quiz)
    report = reports.item_analysis(quiz, attempts)
    template = "quizzes/instructor/text_heatmap.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#heatmap"
    return render(
        request,
        template,
        {
            "quiz": quiz,
            "form": form,
            "report": report,
            "texts": reports.text_heatmap(report),
            "buckets": [(n, f"{(n - 1) * 20}–{n * 20} %") for n in range(1, reports.BUCKETS + 1)],
        },
    )


# Exports

EXPORTS = {"grades", "attempts", "responses"}


@require_GET
@login_required
@permission_required(INSTRUCTOR, raise_exception=True)
def export_csv(request: HttpRequest, slug: str, kind: str) -> StreamingHttpResponse:
    """grades, attempts or responses of one quiz as CSV (UTF-8 with a BOM for spreadsheets)."""
    if kind not in EXPORTS:
        raise Http404("No such export.")
    quiz = _quiz(request, slug)
    if kind == "grades":
        chunks = reports.grades_csv([quiz])
    elif kind == "attempts":
        chunks = reports.attempts_csv(quiz)
    else:
        chunks = reports.responses_csv(quiz)
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in chunks), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{quiz.slug}-{kind}.csv"'
    return response


# Regrading


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(INSTRUCTOR, raise_exception=True)
def regrade_quiz(request: HttpRequest, slug: str) -> HttpResponse:
    """A dry run listing whose grade changes and by how much, then the regrade itself."""
    quiz = _quiz(request, slug)
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
