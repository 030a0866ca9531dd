"""Teachers' authoring: add a text to a course, see the drafts derived from it, review them into
the course's bank."""

from dataclasses import dataclass
from itertools import pairwise

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from quizzes import drafting, kinds
from quizzes.authoring_forms import (
    AcceptForm,
    AddTextForm,
    BulkAcceptForm,
    DraftEditForm,
    DraftFilterForm,
    RejectForm,
    RestoreForm,
    SelectionForm,
)
from quizzes.models import Course, QuestionDraft, SourceText
from quizzes.permissions import authoring_required
from quizzes.question_generator import (
    SelectionRefused,
    boilerplate_blocks,
    uncovered_paragraphs,
)
from quizzes.views import redirect_page

QUEUE_TEMPLATE = "quizzes/authoring/review_queue.html"
DRAFT_TEMPLATE = "quizzes/authoring/draft.html"
TEXT_TEMPLATE = "quizzes/authoring/text_drafts.html"


def _fragment(request: HttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _texts(request: HttpRequest):
    """The texts of the courses the user teaches."""
    return SourceText.objects.filter(
        course__in=Course.objects.teaching(request.user)
    ).select_related("course")


def _draft(request: HttpRequest, slug: str, pk: int) -> QuestionDraft:
    return get_object_or_404(
        QuestionDraft.objects.visible_to(request.user).select_related("source_text__course"),
        source_text__slug=slug,
        pk=pk,
    )


def _quiz_choices(text: SourceText) -> list[tuple[str, str]]:
    """(slug, title) of the quizzes a draft can be added to on accepting it, those of the text's
    course: one query."""
    return list(text.course.quizzes.order_by("title").values_list("slug", "title"))


def _queue_url(text: SourceText, query: str = "", draft: QuestionDraft | None = None) -> str:
    url = reverse("quizzes:review_queue", args=[text.slug])
    return url + (f"?{query}" if query else "") + (f"#draft-{draft.pk}" if draft else "")


def _quote(draft: QuestionDraft, body: str) -> None:
    """Split the draft's sentence around its key, for the card's highlighted quotation, and
    summarise the key it proposes."""
    kind = kinds.get(draft.kind)
    draft.summary = kind.key_summary(kind.key_from_draft(draft.data))
    start, end = draft.source_start, draft.source_end
    key_start, key_end = draft.answer_start, draft.answer_end
    if kind.draft_keys_passage:
        key_start = key_end = start
    draft.before = body[start:key_start]
    draft.key_text = body[key_start:key_end]
    draft.after = body[key_end:end]


def _card(request, draft, *, editing=False, form=None, error="", status=200) -> HttpResponse:
    """One draft card: the fragment for htmx, its own page otherwise."""
    _quote(draft, draft.source_text.body)
    context = {
        "text": draft.source_text,
        "quiz_choices": _quiz_choices(draft.source_text),
        "draft": draft,
        "editing": editing,
        "form": form,
        "error": error,
        "accept_form": AcceptForm(course=draft.source_text.course),
    }
    template = QUEUE_TEMPLATE + "#draft-card" if _fragment(request) else DRAFT_TEMPLATE
    return render(request, template, context, status=status)


# Texts


@require_GET
@authoring_required
def text_list(request: HttpRequest) -> HttpResponse:
    """Every text with its drafts pending, accepted and rejected: authoring/text_list.html."""
    texts = _texts(request).annotate(
        pending=Count("drafts", filter=Q(drafts__status=QuestionDraft.Status.PENDING)),
        accepted=Count("drafts", filter=Q(drafts__status=QuestionDraft.Status.ACCEPTED)),
        rejected=Count("drafts", filter=Q(drafts__status=QuestionDraft.Status.REJECTED)),
    )
    return render(request, "quizzes/authoring/text_list.html", {"texts": texts})


@require_http_methods(["GET", "POST"])
@authoring_required
def add_text(request: HttpRequest) -> HttpResponse:
    """Paste or upload a text; the generator proposes drafts at once: authoring/text_add.html."""
    courses = Course.objects.teaching(request.user)
    chosen = courses.filter(code=request.GET.get("course", "")).first()
    form = AddTextForm(
        request.POST or None,
        request.FILES or None,
        courses=courses,
        initial={"course": chosen},
    )
    if request.method == "POST" and form.is_valid():
        text, stored = drafting.add_text(form)
        messages.success(
            request, f"“{text.title}” added: {len(stored)} draft question(s) to review."
        )
        return redirect_page(request, _queue_url(text))
    return render(request, "quizzes/authoring/text_add.html", {"form": form})


@dataclass(frozen=True)
class Segment:
    """A run of the text shown one way: plain, in a draft's sentence, a key, or skipped clutter."""

    text: str
    start: int = 0  # its offset in the text: the page's selection reads it
    sentence: bool = False
    key_of: int | None = None  # the draft whose key this is (the first one, if several)
    block: tuple[int, int] | None = None  # a skipped boilerplate line, with a restore button


def segments(body: str, drafts, skipped: list[tuple[int, int]]) -> list[Segment]:
    """The text cut where draft sentences, keys and skipped lines begin and end, in one sweep."""
    events: dict[int, list] = {0: [], len(body): []}
    for draft in drafts:
        events.setdefault(draft.source_start, []).append(("sentence", +1, None))
        events.setdefault(draft.source_end, []).append(("sentence", -1, None))
        if not kinds.get(draft.kind).draft_keys_passage:
            events.setdefault(draft.answer_start, []).append(("key", +1, draft.pk))
            events.setdefault(draft.answer_end, []).append(("key", -1, draft.pk))
    for start, end in skipped:
        events.setdefault(start, []).append(("block", +1, (start, end)))
        events.setdefault(end, []).append(("block", -1, (start, end)))
    points = sorted(point for point in events if 0 <= point <= len(body))
    sentences, keys, block = 0, [], None
    result: list[Segment] = []
    for here, following in pairwise(points):
        for what, step, value in events[here]:
            if what == "sentence":
                sentences += step
            elif what == "key":
                keys.append(value) if step > 0 else keys.remove(value)
            else:
                block = value if step > 0 else None
        result.append(
            Segment(
                text=body[here:following],
                start=here,
                sentence=sentences > 0,
                key_of=min(keys) if keys else None,
                block=block,
            )
        )
    return result


@require_GET
@authoring_required
@vary_on_headers("HX-Request")
def text_drafts(request: HttpRequest, slug: str) -> HttpResponse:
    """The text with the drafts' sentences and keys highlighted and skipped lines greyed."""
    text = get_object_or_404(_texts(request), slug=slug)
    template = TEXT_TEMPLATE + ("#text-body" if _fragment(request) else "")
    return render(request, template, _text_context(text))


def _text_context(text: SourceText) -> dict:
    drafts = list(
        text.drafts.exclude(status=QuestionDraft.Status.REJECTED).only(
            "pk", "source_text", "kind", "source_start", "source_end", "answer_start", "answer_end"
        )
    )
    restored = set(drafting.restored_spans(text))
    skipped = [block for block in boilerplate_blocks(text.body) if block not in restored]
    return {
        "text": text,
        "selection_form": SelectionForm(text=text),
        "segments": segments(text.body, drafts, skipped),
        "uncovered": uncovered_paragraphs(
            text.body,
            [(draft.source_start, draft.source_end) for draft in drafts],
            restore=restored,
        ),
        "draft_count": len(drafts),
        "skipped_count": len(skipped),
        "restored_count": len(restored),
    }


@require_POST
@authoring_required
def restore_block(request: HttpRequest, slug: str) -> HttpResponse:
    """Read a skipped line after all: the generator runs again and adds what it now finds."""
    text = get_object_or_404(_texts(request), slug=slug)
    form = RestoreForm(request.POST, text=text)
    if not form.is_valid():
        problem = " ".join(form.non_field_errors()) or "That line cannot be restored."
        messages.error(request, problem)
        return render(request, TEXT_TEMPLATE, _text_context(text), status=400)
    stored = drafting.restore_block(
        text=text, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
    )
    messages.success(request, f"Line restored: {len(stored)} new draft(s).")
    return redirect_page(request, reverse("quizzes:text_drafts", args=[text.slug]))


@require_POST
@authoring_required
def draft_from_selection(request: HttpRequest, slug: str) -> HttpResponse:
    """Select to make: a draft of the words the instructor selected, of the kind they chose,
    opened in its editor."""
    text = get_object_or_404(_texts(request), slug=slug)
    form = SelectionForm(request.POST, text=text)
    problem = ""
    if form.is_valid():
        try:
            draft, new = drafting.draft_from_selection(
                text=text,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                kind=form.cleaned_data["kind"],
            )
        except SelectionRefused as refusal:
            problem = str(refusal)
        else:
            if new:
                messages.success(request, "Draft made: revise it and accept it into the bank.")
            else:
                messages.info(request, "A draft of that kind already asks about these words.")
            return redirect_page(request, reverse("quizzes:draft_edit", args=[text.slug, draft.pk]))
    else:
        problem = (
            " ".join(error for errors in form.errors.values() for error in errors)
            or "Select some words of the text."
        )
    messages.error(request, problem)
    return render(request, TEXT_TEMPLATE, _text_context(text), status=400)


# The review queue


@require_GET
@authoring_required
@vary_on_headers("HX-Request")
def review_queue(request: HttpRequest, slug: str) -> HttpResponse:
    """The drafts of a text as cards, filtered by status, kind and rule; htmx swaps the list."""
    text = get_object_or_404(_texts(request), slug=slug)
    rules = list(text.drafts.order_by("rule").values_list("rule", flat=True).distinct())
    filters = DraftFilterForm(request.GET, rules=rules)
    drafts = list(filters.filter(text.drafts.all()).prefetch_related("question__quiz_slots__quiz"))
    tallies = drafting.rule_tallies()
    by_rule = {tally.rule: tally for tally in tallies}
    for draft in drafts:
        draft.source_text = text  # the cards read the body without a query each
        draft.tally = by_rule.get(draft.rule)
        draft.score = drafting.draft_score(draft, draft.tally)
        _quote(draft, text.body)
    if (filters.cleaned_data.get("order") if filters.is_valid() else "") != "text":
        # Likeliest to be kept first; the text's order among equals (a stable sort).
        drafts.sort(key=lambda draft: -draft.score)
    counts = text.drafts.aggregate(
        pending=Count("pk", filter=Q(status=QuestionDraft.Status.PENDING)),
        accepted=Count("pk", filter=Q(status=QuestionDraft.Status.ACCEPTED)),
        rejected=Count("pk", filter=Q(status=QuestionDraft.Status.REJECTED)),
    )
    context = {
        "text": text,
        "drafts": drafts,
        "filters": filters,
        "counts": counts,
        "accept_form": AcceptForm(course=text.course),
        "quiz_choices": _quiz_choices(text),
        "bulk_form": BulkAcceptForm(text=text),
        "query": request.GET.urlencode(),
    }
    if _fragment(request):
        return render(request, QUEUE_TEMPLATE + "#draft-list", context)
    context["tallies"] = tallies
    return render(request, QUEUE_TEMPLATE, context)


@require_GET
@authoring_required
@vary_on_headers("HX-Request")
def draft_card(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One draft's card (htmx: to cancel an edit; otherwise its own page)."""
    return _card(request, _draft(request, slug, pk))


@require_http_methods(["GET", "POST"])
@authoring_required
@vary_on_headers("HX-Request")
def draft_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Edit a pending draft's prompt, key and explanation; the card swaps back when saved."""
    draft = _draft(request, slug, pk)
    if not draft.is_pending:
        return _card(request, draft, error="This draft has already been decided.", status=409)
    form = DraftEditForm(request.POST or None, draft=draft, auto_id=f"draft-{draft.pk}-%s")
    if request.method == "POST" and form.is_valid():
        drafting.edit_draft(
            draft,
            prompt=form.cleaned_data["prompt"].strip(),
            explanation=form.cleaned_data["explanation"].strip(),
            key=form.key(),
        )
        if _fragment(request):
            return _card(request, draft)
        messages.success(request, "Draft saved.")
        return redirect(_queue_url(draft.source_text, draft=draft))
    return _card(request, draft, editing=True, form=form)


@require_POST
@authoring_required
@vary_on_headers("HX-Request")
def draft_accept(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Accept a draft into the bank as a published or draft question with its answer key."""
    draft = _draft(request, slug, pk)
    form = AcceptForm(request.POST, course=draft.source_text.course)
    error = ""
    if form.is_valid():
        try:
            drafting.accept_draft(
                draft,
                user=request.user,
                status=form.cleaned_data["status"],
                quiz=form.cleaned_data["quiz"],
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        draft.refresh_from_db()
    else:
        error = " ".join(message for errors in form.errors.values() for message in errors)
    if _fragment(request):
        return _card(request, draft, error=error)
    if error:
        messages.error(request, error)
    else:
        quiz = form.cleaned_data["quiz"]
        where = f" and added to “{quiz}”" if quiz else ""
        messages.success(request, f"Accepted into the question bank{where}.")
    return redirect(_queue_url(draft.source_text, request.GET.urlencode()))


@require_POST
@authoring_required
@vary_on_headers("HX-Request")
def draft_reject(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Reject a draft; it is kept so a re-run never proposes it again."""
    draft = _draft(request, slug, pk)
    error = ""
    if RejectForm(request.POST).is_valid():
        try:
            drafting.reject_draft(draft, user=request.user)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        draft.refresh_from_db()
    if _fragment(request):
        return _card(request, draft, error=error)
    if error:
        messages.error(request, error)
    return redirect(_queue_url(draft.source_text, request.GET.urlencode()))


@require_POST
@authoring_required
def bulk_accept(request: HttpRequest, slug: str) -> HttpResponse:
    """Accept every selected pending draft; each one that cannot be accepted is named."""
    text = get_object_or_404(_texts(request), slug=slug)
    form = BulkAcceptForm(request.POST, text=text)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect_page(request, _queue_url(text, request.GET.urlencode()))
    quiz = form.cleaned_data["quiz"]
    result = drafting.accept_drafts(
        form.cleaned_data["drafts"],
        user=request.user,
        status=form.cleaned_data["status"],
        quiz=quiz,
    )
    if result.accepted:
        where = f" and added to “{quiz}”" if quiz else ""
        messages.success(request, f"{len(result.accepted)} draft(s) accepted into the bank{where}.")
    for draft, problem in result.failed:
        messages.error(request, f"Not accepted: “{draft}”: {problem}")
    return redirect_page(request, _queue_url(text, request.GET.urlencode()))
