"""A bank travels in a real Chromium, in every format: one teacher downloads the Rapallo bank,
a teacher of another course imports it (upload, preview, confirm; excerpts confirmed where the
format could not carry them), and that course's student takes a quiz of the imported questions
with full marks."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from quizzes.exchange import FORMATS
from quizzes.models import Assignment, Course, Question, Quiz, QuizQuestion, SourceText
from tests.e2e.conftest import log_in
from tests.e2e.test_take_quiz import answer_correctly, current_question

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def expect_no_axe_violations(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


# Of the bank's 52 questions: GIFT and Canvas have no ordering or cloze; Aiken single choice only.
HELD = {"gift": 44, "aiken": 8, "moodlexml": 52, "qti": 44, "csv": 52, "xlsx": 52}


@pytest.mark.parametrize("format_name", sorted(HELD))
def test_a_bank_exported_from_one_course_is_taken_in_another(
    browser: Browser, demo, bank, tmp_path, format_name
):
    first = Course.objects.get(code="history-9a")
    second = Course.objects.get(code="history-10b")
    text = SourceText.objects.get(course=first)
    SourceText.objects.create(course=second, title=text.title, slug="rapallo-10b", body=text.body)

    teacher = browser.new_context().new_page()
    log_in(teacher, demo.url, "instructor")
    teacher.goto(f"{demo.url}/teach/courses/history-9a/questions/export/")
    teacher.get_by_label("Format").select_option(format_name)
    with teacher.expect_download() as download:
        teacher.get_by_role("button", name="Download").click()
    path = Path(tmp_path / f"rapallo.{FORMATS[format_name].extension}")
    download.value.save_as(path)
    teacher.context.close()

    held = HELD[format_name]
    other = browser.new_context().new_page()
    log_in(other, demo.url, "teacher2")
    other.goto(f"{demo.url}/teach/courses/history-10b/")
    other.get_by_role("link", name="Import questions").click()
    other.get_by_label("The file").set_input_files(path)
    other.get_by_role("button", name="Preview").click()
    expect(other.get_by_role("heading", level=1)).to_contain_text(f"Preview: {path.name}")
    expect(other.locator("[data-planned]")).to_have_count(held)
    if format_name == "aiken":
        expect_no_axe_violations(other)  # the preview, once
    other.get_by_role("button", name=f"Import {held} questions").click()
    expect(other.locator("main")).to_contain_text(f"Imported {held} question(s)")
    if format_name == "aiken":  # no passage travels in Aiken: each is confirmed here
        expect(other.locator("[data-to-confirm]")).to_have_count(held)
        expect_no_axe_violations(other)
        other.get_by_role("button", name=f"Confirm all {held}").click()
        expect(other.locator("main")).to_contain_text(f"Confirmed {held} excerpt(s).")
    other.context.close()

    imported = Question.objects.filter(source_text__course=second)
    assert imported.count() == held
    assert not imported.exclude(status=Question.Status.PUBLISHED).exists()
    chosen = [q for q in imported.order_by("excerpt_start", "pk") if q.kind != "cloze"][:10]
    quiz = Quiz.objects.create(
        course=second,
        title="Imported Rapallo",
        slug="imported-rapallo",
        is_published=True,
        source_text=chosen[0].source_text,
        feedback=Quiz.Feedback.DEFERRED,
    )
    for position, question in enumerate(chosen, start=1):
        QuizQuestion.objects.create(quiz=quiz, question=question, position=position)
    Assignment.objects.create(quiz=quiz, course=second)

    student = browser.new_context().new_page()
    log_in(student, demo.url, "student2")
    student.goto(f"{demo.url}/quizzes/imported-rapallo/")
    student.get_by_role("button", name=re.compile("Start")).click()
    for number in range(1, len(chosen) + 1):
        expect(student.locator("#question-card")).to_contain_text(
            f"Question {number} of {len(chosen)}"
        )
        answer_correctly(student, current_question(student, bank))
        student.get_by_role("button", name=re.compile("Save and")).click()
    expect(student).to_have_url(re.compile(r"/finish/$"))
    student.get_by_role("button", name="Submit all and finish").click()
    expect(student.locator("main")).to_contain_text("100%")
