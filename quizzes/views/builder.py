"""Quizzes under /teach/quizzes/, for their course's teachers: settings, duplicating, and the
builder.

The builder lists the quiz's slots (questions by name and random draws) with their marks and
the total, and beside them the question bank, searched and filtered, each question "Add" or
"In this quiz". Every change is a plain form post (moving is Up and Down buttons, so the keyboard
does it); with htmx the slots are swapped in place, and authoring.js adds drag and drop.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from quizzes import building, quiz_warnings
from quizzes.authoring_forms import (
    AddQuestionForm,
    QuestionFilterForm,
    QuizSettingsForm,
    RandomDrawForm,
    SlotForm,
    SlotOrderForm,
)
from quizzes.models import Course, Quiz, QuizQuestion
from quizzes.permissions import authoring_required, require_teacher
from quizzes.views import redirect_page
from quizzes.views.questions import bank_questions

BANK_PAGE_SIZE = 20
BUILDER_TEMPLATE = "quizzes/authoring/quiz_builder.html"


def _quiz(request: HttpRequest, slug: str) -> Quiz:
    """A quiz the user may edit: 404 if they cannot see it, 403 if they only read its reports."""
    quiz = get_object_or_404(
        Quiz.objects.reported_to(request.user).select_related("source_text", "course"), slug=slug
    )
    require_teacher(request.user, quiz.course)
    return quiz


def _fragment(request: HttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


# Settings


@require_http_methods(["GET", "POST"])
@authoring_required
def quiz_new(request: HttpRequest) -> HttpResponse:
    """A new quiz's settings, in one of the user's courses (?course=<code> chooses it); then its
    builder, to add the questions."""
    courses = Course.objects.teaching(request.user)
    chosen = courses.filter(code=request.GET.get("course", "")).first()
    form = QuizSettingsForm(
        request.POST or None,
        initial={"shuffle_options": True, "course": chosen},
        courses=courses,
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.instance.owner = request.user
            quiz = form.save()
            building.give_to_course(quiz, quiz.course)
        messages.success(request, f"“{quiz.title}” created: now add its questions.")
        return redirect("quizzes:quiz_builder", slug=quiz.slug)
    return render(
        request,
        "quizzes/authoring/quiz_form.html",
        {"form": form, "quiz": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@authoring_required
def quiz_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """A quiz's settings; attempts already started keep the rules they started under."""
    quiz = _quiz(request, slug)
    form = QuizSettingsForm(
        request.POST or None, instance=quiz, courses=Course.objects.teaching(request.user)
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            quiz = form.save()
        messages.success(request, "Settings saved.")
        return redirect("quizzes:quiz_settings", slug=quiz.slug)
    saved = Quiz.objects.get(pk=quiz.pk)
    return render(
        request,
        "quizzes/authoring/quiz_form.html",
        {
            "form": form,
            "quiz": saved,
            "warnings": quiz_warnings.option_order(saved),
            "shared_keys": quiz_warnings.shared_keys(saved),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@authoring_required
def quiz_duplicate(request: HttpRequest, slug: str) -> HttpResponse:
    """Copy a quiz with its questions and draws, unpublished, to adapt in its course."""
    copy = building.duplicate_quiz(_quiz(request, slug), owner=request.user)
    messages.success(request, f"Copied as “{copy.title}” (not published): adjust its settings.")
    return redirect_page(request, reverse("quizzes:quiz_settings", args=[copy.slug]))


# The builder


def _builder_context(request: HttpRequest, quiz: Quiz) -> dict:
    slots = quiz.slots()
    named = {slot.question_id for slot in slots if isinstance(slot, QuizQuestion)}
    query = request.GET.copy()
    if "text" not in query and quiz.source_text_id:
        query["text"] = quiz.source_text.slug
    # The bank of the quiz's course: a quiz is made of its own course's questions.
    courses = Course.objects.filter(pk=quiz.course_id)
    filters = QuestionFilterForm(query, courses=courses)
    questions = filters.filter(bank_questions(courses))
    page = Paginator(questions, BANK_PAGE_SIZE).get_page(request.GET.get("page"))
    query.pop("page", None)
    return {
        "quiz": quiz,
        "slots": [(building.slot_id(slot), slot) for slot in slots],
        "marks": building.marks(slots),
        "named": named,
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "draw_form": RandomDrawForm(
            initial={"source_text": quiz.source_text_id, "count": 1}, quiz=quiz
        ),
    }


def _builder(request: HttpRequest, quiz: Quiz, *, status: int = 200) -> HttpResponse:
    """The builder page, or for htmx the slots (and the bank's results, out of band)."""
    template = BUILDER_TEMPLATE + ("#builder-update" if _fragment(request) else "")
    return render(request, template, _builder_context(request, quiz), status=status)


@require_GET
@authoring_required
@vary_on_headers("HX-Request")
def quiz_builder(request: HttpRequest, slug: str) -> HttpResponse:
    """The quiz's questions and draws, and the bank to add from; htmx swaps the bank's results."""
    quiz = _quiz(request, slug)
    if _fragment(request):
        return render(request, BUILDER_TEMPLATE + "#bank-results", _builder_context(request, quiz))
    return _builder(request, quiz)


def _back(request: HttpRequest, quiz: Quiz, *, status: int = 200) -> HttpResponse:
    if request.htmx:
        return _builder(request, quiz, status=status)
    url = reverse("quizzes:quiz_builder", args=[quiz.slug])
    if request.GET:
        url += "?" + request.GET.urlencode()
    return redirect(url)


@require_POST
@authoring_required
@vary_on_headers("HX-Request")
def builder_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a question of the bank, or a random draw, at the end of the quiz."""
    quiz = _quiz(request, slug)
    if "count" in request.POST:
        form = RandomDrawForm(request.POST, quiz=quiz)
        if form.is_valid():
            draw = building.add_draw(quiz, form.save(commit=False))
            available = draw.candidates().count()
            if available < draw.count:
                messages.warning(
                    request,
                    f"Only {available} published question(s) match “{draw.description}”: each "
                    f"attempt gets {available}.",
                )
            else:
                messages.success(request, f"Added: {draw.description}.")
            return _back(request, quiz)
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _back(request, quiz, status=400)
    form = AddQuestionForm(request.POST, quiz=quiz)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["question"]))
        return _back(request, quiz, status=400)
    try:
        building.add_question(quiz, form.cleaned_data["question"])
    except building.BuildError as error:
        messages.info(request, str(error))
    return _back(request, quiz)


@require_POST
@authoring_required
@vary_on_headers("HX-Request")
def builder_slot(request: HttpRequest, slug: str, slot: str) -> HttpResponse:
    """Move a slot up or down, remove it, or set its marks."""
    quiz = _quiz(request, slug)
    form = SlotForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _back(request, quiz, status=400)
    action = form.cleaned_data["action"]
    try:
        if action in ("up", "down"):
            building.move_slot(quiz, slot, -1 if action == "up" else 1)
        elif action == "remove":
            building.remove_slot(quiz, slot)
        else:
            building.set_points(quiz, slot, form.cleaned_data["points"])
    except building.BuildError as error:
        messages.error(request, str(error))
        return _back(request, quiz, status=409)
    return _back(request, quiz)


@require_POST
@authoring_required
@vary_on_headers("HX-Request")
def builder_order(request: HttpRequest, slug: str) -> HttpResponse:
    """Every slot in a new order (drag and drop)."""
    quiz = _quiz(request, slug)
    form = SlotOrderForm(request.POST, slots=[building.slot_id(slot) for slot in quiz.slots()])
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["order"]))
        # A list that no longer fits the quiz is a conflict; no list at all, a bad request.
        return _back(request, quiz, status=409 if request.POST.get("order") else 400)
    try:
        building.reorder(quiz, form.cleaned_data["order"])
    except building.BuildError as error:
        messages.error(request, str(error))
        return _back(request, quiz, status=409)
    return _back(request, quiz)
