"""A bank travels in a real Chromium: one teacher downloads the Rapallo bank as Moodle XML, a
teacher of another course imports it (upload, preview, confirm), and that course's student
takes a quiz of the imported questions with full marks. (Every format is gone through at the
database level in tests/test_bank_exchange.py.)"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from quizzes.models import Assignment, Course, Question, Quiz, QuizQuestion, SourceText
from tests.e2e.conftest import log_in
from tests.e2e.test_take_quiz import answer_correctly, current_question

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_bank_exported_from_one_course_is_taken_in_another(
    browser: Browser, demo, bank, tmp_path
):
    first = Course.objects.get(code="history-9a")
    second = Course.objects.get(code="history-10b")
    text = SourceText.objects.get(course=first)
    SourceText.objects.create(course=second, title=text.title, slug="rapallo-10b", body=text.body)

    teacher = browser.new_context().new_page()
    log_in(teacher, demo.url, "instructor")
    teacher.goto(f"{demo.url}/teach/courses/history-9a/questions/export/")
    teacher.get_by_label("Format").select_option("moodlexml")
    with teacher.expect_download() as download:
        teacher.get_by_role("button", name="Download").click()
    path = Path(tmp_path / "rapallo.xml")
    download.value.save_as(path)
    teacher.context.close()

    other = browser.new_context().new_page()
    log_in(other, demo.url, "teacher2")
    other.goto(f"{demo.url}/teach/courses/history-10b/")
    other.get_by_role("link", name="Import questions").click()
    other.get_by_label("The file").set_input_files(path)
    other.get_by_role("button", name="Preview").click()
    expect(other.get_by_role("heading", level=1)).to_contain_text("Preview: rapallo.xml")
    expect(other.locator("[data-planned]")).to_have_count(52)
    other.get_by_role("button", name="Import 52 questions").click()
    expect(other.locator("main")).to_contain_text("Imported 52 question(s)")
    other.context.close()

    imported = Question.objects.filter(source_text__course=second).exclude(kind="cloze")
    assert imported.filter(status=Question.Status.PUBLISHED).count() == imported.count()
    quiz = Quiz.objects.create(
        course=second,
        title="Imported Rapallo",
        slug="imported-rapallo",
        is_published=True,
        source_text=imported.first().source_text,
        feedback=Quiz.Feedback.DEFERRED,
    )
    for position, question in enumerate(imported.order_by("excerpt_start", "pk")[:10], start=1):
        QuizQuestion.objects.create(quiz=quiz, question=question, position=position)
    Assignment.objects.create(quiz=quiz, course=second)

    student = browser.new_context().new_page()
    log_in(student, demo.url, "student2")
    student.goto(f"{demo.url}/quizzes/imported-rapallo/")
    student.get_by_role("button", name=re.compile("Start")).click()
    for number in range(1, 11):
        expect(student.locator("#question-card")).to_contain_text(f"Question {number} of 10")
        answer_correctly(student, current_question(student, bank))
        student.get_by_role("button", name=re.compile("Save and")).click()
    expect(student).to_have_url(re.compile(r"/finish/$"))
    student.get_by_role("button", name="Submit all and finish").click()
    expect(student.locator("main")).to_contain_text("100%")
