"""The question bank and the question editor under /teach/questions/, for instructors.

The editor shows only its kind's key fields (quizzes/kinds/), checks the question as it is typed
(htmx posts it with action=check and swaps the status and the preview), lets the excerpt be
selected in the text, and says when a changed key needs a regrade of answers already given.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from quizzes import kinds
from quizzes.authoring_forms import QuestionEditorForm, QuestionFilterForm, QuestionForm
from quizzes.kinds.base import KeyFormatError
from quizzes.models import Course, Question, Quiz, Response, SourceText
from quizzes.permissions import authoring_required
from quizzes.views import redirect_page

BANK_TEMPLATE = "quizzes/authoring/question_bank.html"
EDITOR_TEMPLATE = "quizzes/authoring/question_form.html"
PAGE_SIZE = 50


def _texts(request: HttpRequest):
    """The texts of the courses the user teaches."""
    return SourceText.objects.filter(course__in=Course.objects.teaching(request.user))


def _fragment(request: HttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def bank_questions(courses):
    """Questions of these courses as the bank lists them: text, tags and how many quizzes use
    each."""
    return (
        Question.objects.filter(source_text__course__in=courses)
        .select_related("source_text")
        .prefetch_related("tags")
        .annotate(quiz_count=Count("quiz_slots", distinct=True))
        .order_by("source_text__title", "excerpt_start", "pk")
    )


@require_GET
@authoring_required
@vary_on_headers("HX-Request")
def question_bank(request: HttpRequest) -> HttpResponse:
    """The questions of the user's courses, searched and filtered by course, text, paragraph,
    kind, tag and status."""
    courses = Course.objects.teaching(request.user)
    filters = QuestionFilterForm(request.GET, courses=courses)
    page = Paginator(filters.filter(bank_questions(courses)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    template = BANK_TEMPLATE + ("#results" if _fragment(request) else "")
    return render(
        request,
        template,
        {"filters": filters, "page": page, "query": query.urlencode(), "kinds": kinds.all_kinds()},
    )


@require_GET
@authoring_required
def question_new(request: HttpRequest) -> HttpResponse:
    """Choose the kind of a new question: its key's fields follow from it."""
    return render(
        request,
        "quizzes/authoring/question_kind.html",
        {"kinds": kinds.all_kinds(), "text": request.GET.get("text", "")},
    )


def _status(question: Question, problems: list[str]) -> dict:
    """The question's state in words: published, draft (ready or not, and why), retired."""
    if question.status == Question.Status.RETIRED:
        return {"label": "Retired", "tone": "", "reasons": [], "ready": False}
    if problems:
        return {
            "label": "Draft until its answer key is complete",
            "tone": "warn",
            "reasons": problems,
            "ready": False,
        }
    if question.status == Question.Status.PUBLISHED:
        return {"label": "Published", "tone": "ok", "reasons": [], "ready": True}
    return {"label": "Draft, ready to publish", "tone": "", "reasons": [], "ready": True}


def _preview(question: Question, kind: kinds.QuestionKind) -> dict | None:
    """The question as a student will see it, from the form's (unsaved) values."""
    if question.source_text_id is None or question.excerpt_end is None:
        excerpt = {"start": 0, "end": 0, "text": ""}
    else:
        excerpt = {
            "start": question.excerpt_start,
            "end": question.excerpt_end,
            "text": question.excerpt,
        }
    try:
        snapshot = {
            "kind": kind.name,
            "prompt": question.prompt,
            "explanation": question.explanation,
            "excerpt": excerpt,
            **kind.snapshot(question.key, rng=None, seed=question.pk or 0),
        }
        form = kind.answer_form(snapshot=snapshot, auto_id="preview_%s")
        controls = form.controls()
    except (KeyError, TypeError, ValueError, AttributeError, KeyFormatError):
        return None
    return {
        "snapshot": snapshot,
        "answer_template": kind.answer_template,
        "answer_hint": form.hint,
        "answer_label_prefix": form.label_prefix_hidden,
        "answer_controls": controls,
        "answer_errors": [],
    }


def _answered(request: HttpRequest, question: Question | None) -> dict:
    """How many answers students have given to this question, and in which of the user's
    quizzes (to regrade them)."""
    if question is None or question.pk is None:
        return {"count": 0, "quizzes": []}
    count = Response.objects.filter(question=question, answered_at__isnull=False).count()
    quizzes = list(
        Quiz.objects.editable_by(request.user)
        .filter(attempts__responses__question=question)
        .distinct()
        .order_by("title")
        if count
        else []
    )
    return {"count": count, "quizzes": quizzes}


def _regrade_links(question: Question, quizzes: list[Quiz]):
    return format_html_join(
        ", ",
        '<a href="{}?question={}">regrade “{}”</a>',
        (
            (reverse("quizzes:regrade_quiz", args=[quiz.slug]), question.pk, quiz.title)
            for quiz in quizzes
        ),
    )


def _editor(request: HttpRequest, form: QuestionForm, question: Question | None) -> HttpResponse:
    kind = form.kind
    checking = request.method == "POST" and request.POST.get("action") == "check"
    answered = _answered(request, question)
    if request.method == "POST" and not checking and form.is_valid():
        key_changed = form.key_changed
        with transaction.atomic():
            saved = form.save()
        if form.key_problems:
            messages.warning(
                request,
                "Saved as a draft until its answer key is complete: " + " ".join(form.key_problems),
            )
        else:
            messages.success(request, f"Saved: {saved.get_status_display().lower()}.")
        if key_changed and answered["count"]:
            messages.warning(
                request,
                format_html(
                    "The key changed, and {} answer(s) were marked against the old one. "
                    "To mark them again, {} (a dry run shows what changes first).",
                    answered["count"],
                    _regrade_links(saved, answered["quizzes"]),
                ),
            )
        return redirect_page(request, reverse("quizzes:question_edit", args=[saved.pk]))
    if request.method == "POST":
        form.is_valid()  # checking, or invalid: the status and preview follow what was typed
        problems = form.key_problems
        shown = form.instance
    else:
        shown = question or form.instance
        problems = kind.key_problems(shown.key) if question else kind.key_problems(kind.empty_key())
    text_id = form["source_text"].value() or (question.source_text_id if question else None)
    text = _texts(request).filter(pk=text_id).first() if str(text_id or "").isdigit() else None
    context = {
        "form": form,
        "kind": kind,
        "question": question,
        "status": _status(shown, problems),
        "preview": _preview(shown, kind),
        "answered": answered,
        "key_changed": form.is_bound and not form.errors and form.key_changed,
        "regrade_links": _regrade_links(question, answered["quizzes"]) if question else "",
        "text": text,
        "paragraphs": text.paragraphs() if text else [],
    }
    template = EDITOR_TEMPLATE + ("#question-check" if checking and _fragment(request) else "")
    status = 400 if request.method == "POST" and not checking and form.errors else 200
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@authoring_required
@vary_on_headers("HX-Request")
def question_create(request: HttpRequest, kind: str) -> HttpResponse:
    """A new question of a kind; ?text=<slug> starts it on that text."""
    kind_type = kinds.KINDS.get(kind)
    if kind_type is None:
        raise Http404("No such kind of question.")
    initial = {"status": Question.Status.DRAFT}
    text = _texts(request).filter(slug=request.GET.get("text", "")).first()
    if text is not None:
        initial["source_text"] = text.pk
    form = QuestionEditorForm.for_kind(kind_type)(
        request.POST or None, initial=initial, courses=Course.objects.teaching(request.user)
    )
    return _editor(request, form, question=None)


@require_http_methods(["GET", "POST"])
@authoring_required
@vary_on_headers("HX-Request")
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a question of the bank in the editor of its kind."""
    courses = Course.objects.teaching(request.user)
    question = get_object_or_404(
        Question.objects.filter(source_text__course__in=courses).select_related("source_text"),
        pk=pk,
    )
    form = QuestionEditorForm.for_kind(question.kind_type)(
        request.POST or None, instance=question, courses=courses
    )
    return _editor(request, form, question=question)


@require_GET
@authoring_required
def text_picker(request: HttpRequest) -> HttpResponse:
    """The text chosen in the editor, by paragraphs, to select the excerpt in (htmx fragment)."""
    text_id = request.GET.get("source_text", "")
    text = get_object_or_404(_texts(request), pk=text_id) if text_id.isdigit() else None
    return render(
        request,
        EDITOR_TEMPLATE + "#text-picker",
        {"text": text, "paragraphs": text.paragraphs() if text else []},
    )
