"""Banks to and from other tools, through the database: the Rapallo bank exported in every
format and imported into a fresh course; the import flow in /teach/ (upload, preview, confirm,
excerpts to confirm); bad files refused with nothing stored; the commands."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from quizzes import bank, kinds
from quizzes.exchange import FORMATS, exporting, importing
from quizzes.models import Course, Membership, Question, QuestionImport, Role, SourceText
from tests.factories import CourseFactory, InstructorFactory

pytestmark = pytest.mark.django_db

RAPALLO_BANK = Path(settings.BASE_DIR) / "fixtures" / "rapallo-bank.json"
# What each format holds of the bank's 52 questions (GIFT and Canvas: no ordering or cloze;
# Aiken: single choice only).
HELD = {"gift": 44, "aiken": 8, "moodlexml": 52, "qti": 44, "csv": 52, "xlsx": 52}


@pytest.fixture
def rapallo():
    course = CourseFactory(code="rapallo-a")
    bank.import_bank(RAPALLO_BANK, course)
    return course


@pytest.fixture
def fresh(rapallo):
    """Another course with the same article, as a second school would have it."""
    course = CourseFactory(code="fresh")
    text = SourceText.objects.get(course=rapallo)
    copy = SourceText.objects.create(
        course=course, title=text.title, slug="rapallo-copy", body=text.body
    )
    return course, copy


def as_stored(question: Question) -> tuple:
    tags = sorted(tag.name.casefold() for tag in question.tags.all())
    return (
        question.kind,
        question.prompt,
        question.explanation,
        question.default_points,
        question.source_text.body[question.excerpt_start : question.excerpt_end],
        tags,
        kinds.get(question.kind).key_summary(question.key),
    )


@pytest.mark.parametrize("format_name", sorted(HELD))
def test_the_rapallo_bank_goes_out_and_back_into_a_fresh_course(rapallo, fresh, format_name):
    _, copy = fresh
    originals = Question.objects.filter(source_text__course=rapallo)
    content, skipped = exporting.export(exporting.exportable(originals), format_name)
    assert len(skipped) == 52 - HELD[format_name]
    data = content.encode("utf-8") if isinstance(content, str) else content
    reading = FORMATS[format_name].read(data)
    assert reading.errors == [] and reading.unsupported == []
    plan = importing.plan_import(reading, copy)
    assert (len(plan.new), plan.refused, plan.duplicates) == (HELD[format_name], [], [])
    by_prompt = {q.prompt: q for q in originals}
    if format_name == "aiken":
        # Aiken holds a question, its options and the right one: no ids, tags, explanation or
        # feedback, so passages are proposed and option feedback is gone.
        for item in plan.new:
            original = by_prompt[item.question.prompt]
            assert not item.excerpt_exact and item.kind.name == original.kind
            assert [o["correct"] for o in item.key["options"]] == [
                o["correct"] for o in original.key["options"]
            ]
        return
    assert all(item.excerpt_exact and item.warnings == [] for item in plan.new)
    stored = importing.apply_import(plan)
    assert all(q.status == Question.Status.PUBLISHED and not q.excerpt_to_confirm for q in stored)
    for question in stored:
        original = by_prompt[question.prompt]
        assert as_stored(question) == as_stored(original)
        assert kinds.get(question.kind).same_key(original.key, question.key)
    # The same file again adds nothing.
    again = importing.plan_import(FORMATS[format_name].read(data), copy)
    assert (again.new, len(again.duplicates)) == ([], HELD[format_name])


def test_questions_from_elsewhere_get_a_sentence_to_confirm(rapallo, client):
    text = SourceText.objects.get(course=rapallo)
    gift = (
        "// [tag:imported]\n::Lenin::Which leader decided the Soviet state needed normal relations"
        " with the West?{=Lenin ~Stalin ~Trotsky}\n"
    )
    (stored,) = importing.apply_import(
        importing.plan_import(FORMATS["gift"].read(gift.encode()), text)
    )
    assert stored.excerpt_to_confirm and stored.status == Question.Status.DRAFT
    assert "Lenin" in stored.excerpt
    assert [tag.name for tag in stored.tags.all()] == ["imported"]
    teacher = Membership.objects.filter(course=rapallo, role=Role.TEACHER).first()
    teacher = teacher.user if teacher else _teacher_of(rapallo)
    client.force_login(teacher)
    url = reverse("quizzes:excerpts_to_confirm", args=[rapallo.code])
    page = client.get(url)
    assert 'class="excerpt-highlight"' in page.text and "Which leader decided" in page.text
    client.post(url, {"question": stored.pk})
    stored.refresh_from_db()
    assert not stored.excerpt_to_confirm and stored.status == Question.Status.PUBLISHED


def _teacher_of(course: Course):
    teacher = InstructorFactory()
    Membership.objects.update_or_create(
        course=course, user=teacher, defaults={"role": Role.TEACHER}
    )
    return teacher


# The flow in /teach/


def upload(client, course, text, name, data, **extra):
    return client.post(
        reverse("quizzes:bank_import", args=[course.code]),
        {"source_text": text.pk, "file": SimpleUploadedFile(name, data), **extra},
    )


def test_upload_preview_confirm_stores_only_on_confirm(rapallo, fresh, client):
    course, copy = fresh
    client.force_login(_teacher_of(course))
    originals = Question.objects.filter(source_text__course=rapallo)
    content, _ = exporting.export(exporting.exportable(originals), "moodlexml")
    uploaded = upload(client, course, copy, "rapallo.xml", content.encode())
    pending = QuestionImport.objects.get()
    assert uploaded["Location"] == reverse(
        "quizzes:bank_import_preview", args=[course.code, pending.pk]
    )
    preview = client.get(uploaded["Location"])
    assert "Import 52 questions" in preview.text
    assert preview.text.count("data-planned") == 52
    assert not Question.objects.filter(source_text=copy).exists()
    done = client.post(uploaded["Location"])
    assert done["Location"] == reverse("quizzes:question_bank")
    assert Question.objects.filter(source_text=copy).count() == 52
    assert not QuestionImport.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bank.gift.txt", b"::Q:: Where? {=a ~b", "The answers are not closed with }."),
        (
            "bank.xml",
            b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "x">]><quiz>&a;</quiz>',
            "refused for safety",
        ),
        ("bank.xml", b"<quiz><question type='truefalse'><name>", "not well-formed XML"),
        ("bank.xlsx", b"PK\x03\x04 not really a workbook", "This is not an Excel (.xlsx) file."),
        ("bank.csv", b"name,points\n", "The header has no column type, question, answers"),
        ("bank.gift.txt", "::Q:: Lenin in Zürich? {T}".encode("cp1252"), None),
    ],
)
def test_bad_files_are_refused_with_the_reason_and_nothing_stored(
    rapallo, client, name, data, message
):
    text = SourceText.objects.get(course=rapallo)
    client.force_login(_teacher_of(rapallo))
    before = Question.objects.count()
    preview = client.get(upload(client, rapallo, text, name, data)["Location"])
    if message is None:  # Windows-1252: read, with a notice
        assert preview.status_code == 200
        assert "Zürich" in preview.text
        assert "The file is not UTF-8: it was read as Windows-1252." in preview.text
        return
    assert preview.status_code == 400
    assert message in preview.text
    assert client.post(preview.wsgi_request.path).status_code == 400
    assert Question.objects.count() == before


def test_an_unknown_extension_and_an_oversized_file_are_refused(rapallo, client, settings):
    text = SourceText.objects.get(course=rapallo)
    client.force_login(_teacher_of(rapallo))
    refused = upload(client, rapallo, text, "bank.doc", b"x")
    assert refused.status_code == 400 and "Choose the file&#x27;s format" in refused.text
    big = upload(client, rapallo, text, "big.gift.txt", b"x" * (10 * 1024 * 1024 + 1))
    assert big.status_code == 400 and "at most 10 MB" in big.text
    assert not QuestionImport.objects.exists()


def test_another_teachers_pending_import_is_not_found(rapallo, client):
    text = SourceText.objects.get(course=rapallo)
    client.force_login(_teacher_of(rapallo))
    location = upload(client, rapallo, text, "a.gift.txt", b"Q? {T}")["Location"]
    client.force_login(_teacher_of(rapallo))
    assert client.get(location).status_code == 404


def test_export_downloads_each_format_and_the_template(rapallo, client):
    client.force_login(_teacher_of(rapallo))
    url = reverse("quizzes:bank_export", args=[rapallo.code])
    assert client.get(url).status_code == 200
    for name, chosen in FORMATS.items():
        response = client.get(url, {"format": name})
        assert response["Content-Type"] == chosen.content_type
        assert (
            f'filename="rapallo-a-questions.{chosen.extension}"' in response["Content-Disposition"]
        )
        assert response["X-Questions-Skipped"] == str(52 - HELD[name])
    template = client.get(url, {"template": "1"})
    assert template.content.decode("utf-8-sig").startswith("type,name,question,answers,correct")
    assert client.get(url, {"format": "pdf"}).status_code == 400


# The commands


def test_the_commands_export_and_import(rapallo, fresh, tmp_path):
    course, copy = fresh
    path = tmp_path / "rapallo.gift.txt"
    call_command(
        "export_questions",
        "--format",
        "gift",
        "--course",
        rapallo.code,
        "--output",
        str(path),
        stderr=io.StringIO(),
    )
    out = io.StringIO()
    call_command("import_questions", str(path), "--course", course.code, "--dry-run", stdout=out)
    assert "Would store 44 question(s)." in out.getvalue()
    out = io.StringIO()
    call_command("import_questions", str(path), "--course", course.code, stdout=out)
    assert (
        "Stored 44 question(s) on “1922-1932 - Rapallo” (0 with an excerpt to confirm)"
        in out.getvalue()
    )
    assert Question.objects.filter(source_text=copy).count() == 44
    bad = tmp_path / "bad.gift.txt"
    bad.write_text("::Q:: Where? {=a")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_questions", str(bad), "--course", course.code, stdout=io.StringIO())


def test_the_editor_and_the_bank_say_an_imported_excerpt_waits(rapallo, client):
    text = SourceText.objects.get(course=rapallo)
    gift = "::L::Which leader decided the Soviet state needed normal relations?{=Lenin ~Stalin}"
    (stored,) = importing.apply_import(
        importing.plan_import(FORMATS["gift"].read(gift.encode()), text)
    )
    client.force_login(_teacher_of(rapallo))
    page = client.get(reverse("quizzes:question_edit", args=[stored.pk]))
    assert "data-excerpt-to-confirm" in page.text
    bank_page = client.get(reverse("quizzes:question_bank"))
    assert "Excerpt to confirm" in bank_page.text
