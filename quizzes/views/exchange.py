"""Teachers' question banks to and from other tools (quizzes/exchange/): a file uploaded onto a
text of the course, its preview (every question as it will be stored, every problem by line),
the confirmation that stores it all or nothing, the excerpts imported questions still need
confirmed, and exports of the course's questions in each format.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from quizzes import passages
from quizzes.authoring_forms import BankExportForm, BankUploadForm
from quizzes.exchange import FORMATS, exporting, importing, spreadsheet
from quizzes.models import Question, QuestionImport
from quizzes.permissions import teaching_required
from quizzes.views.courses import taught_course
from quizzes.views.instructor import staffed_course


@require_http_methods(["GET", "POST"])
@teaching_required
def bank_import(request: HttpRequest, code: str) -> HttpResponse:
    """Upload a bank (GIFT, Aiken, Moodle XML, CSV, XLSX) onto a text: the preview follows."""
    course = taught_course(request, code)
    form = BankUploadForm(request.POST or None, request.FILES or None, course=course)
    if request.method == "POST" and form.is_valid():
        QuestionImport.clear_stale()
        upload = form.cleaned_data["file"]
        pending = QuestionImport.objects.create(
            course=course,
            source_text=form.cleaned_data["source_text"],
            format=form.cleaned_data["format"],
            filename=upload.name[:255],
            data=upload.read(),
            uploaded_by=request.user,
        )
        return redirect("quizzes:bank_import_preview", code=course.code, pk=pending.pk)
    return render(
        request,
        "quizzes/authoring/bank_import.html",
        {"course": course, "form": form, "formats": FORMATS},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@teaching_required
def bank_import_preview(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Every question of the uploaded file as it will be stored, and every problem by line;
    POST stores them all in one transaction, or none."""
    course = taught_course(request, code)
    pending = get_object_or_404(
        QuestionImport.objects.filter(course=course, uploaded_by=request.user).select_related(
            "source_text"
        ),
        pk=pk,
    )
    reading = FORMATS[pending.format].read(bytes(pending.data))
    plan = importing.plan_import(reading, pending.source_text)
    blocked = bool(plan.refused or reading.errors)
    if request.method == "POST" and not blocked:
        try:
            stored = importing.apply_import(plan)
        except importing.ImportRefused as refused:
            messages.error(request, f"Nothing was imported: {refused}")
            return redirect("quizzes:bank_import_preview", code=course.code, pk=pending.pk)
        pending.delete()
        to_confirm = sum(1 for question in stored if question.excerpt_to_confirm)
        messages.success(
            request,
            f"Imported {len(stored)} question(s) onto “{plan.text.title}”"
            + (f"; {to_confirm} need their excerpt confirmed." if to_confirm else "."),
        )
        if to_confirm:
            return redirect("quizzes:excerpts_to_confirm", code=course.code)
        return redirect("quizzes:question_bank")
    return render(
        request,
        "quizzes/authoring/bank_import_preview.html",
        {
            "course": course,
            "pending": pending,
            "plan": plan,
            "reading": reading,
            "blocked": blocked,
        },
        status=400 if request.method == "POST" or blocked else 200,
    )


@require_http_methods(["GET", "POST"])
@teaching_required
def excerpts_to_confirm(request: HttpRequest, code: str) -> HttpResponse:
    """Imported questions whose excerpt is the sentence that matched best, each shown in its
    paragraph: confirm it (publishing the question when its key is complete), or open the
    editor to choose another; POST confirms one, or every one shown."""
    course = taught_course(request, code)
    waiting = Question.objects.filter(source_text__course=course, excerpt_to_confirm=True)
    if request.method == "POST":
        chosen = waiting
        if request.POST.get("question", "").isdigit():
            chosen = waiting.filter(pk=request.POST["question"])
        with transaction.atomic():
            confirmed = 0
            for question in chosen.select_for_update():
                question.excerpt_to_confirm = False
                if not question.key_problems():
                    question.status = Question.Status.PUBLISHED
                question.save(update_fields=["excerpt_to_confirm", "status", "updated_at"])
                confirmed += 1
        messages.success(request, f"Confirmed {confirmed} excerpt(s).")
        return redirect("quizzes:excerpts_to_confirm", code=course.code)
    questions = list(waiting.select_related("source_text").order_by("source_text_id", "pk")[:200])
    for question in questions:
        question.context = passages.excerpt_in_context(
            question.source_text.body, question.excerpt_start, question.excerpt_end
        )
    return render(
        request,
        "quizzes/authoring/excerpts_to_confirm.html",
        {"course": course, "questions": questions, "total": waiting.count()},
    )


@require_GET
@teaching_required
def bank_export(request: HttpRequest, code: str) -> HttpResponse:
    """The course's questions (or a quiz's, a text's, a tag's) as a file in a format; without
    a format, the form to choose; ?template, the spreadsheet template."""
    course = staffed_course(request, code)
    if "template" in request.GET:
        response = HttpResponse(spreadsheet.template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="questions-template.csv"'
        return response
    form = BankExportForm(request.GET or None, course=course)
    if not form.is_bound or not form.is_valid():
        return render(
            request,
            "quizzes/authoring/bank_export.html",
            {"course": course, "form": form},
            status=400 if form.is_bound else 200,
        )
    chosen = FORMATS[form.cleaned_data["format"]]
    content, skipped = exporting.export(exporting.exportable(form.questions(course)), chosen.name)
    response = HttpResponse(content, content_type=chosen.content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{course.code}-questions.{chosen.extension}"'
    )
    response["X-Questions-Skipped"] = str(len(skipped))
    return response
