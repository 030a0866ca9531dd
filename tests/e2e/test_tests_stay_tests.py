"""Tests that stay tests, in a real Chromium: without JavaScript every way out of a question saves
it; two windows on one answer; a test's results without keys; the teacher's marking view.
axe-core finds nothing on the finish page, the results page and the marking view."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from quizzes.models import Attempt, Quiz, Response
from quizzes.starting import start_attempt
from tests.e2e.conftest import log_in
from tests.e2e.test_autosave import change_answer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUESTION = re.compile(r"/attempts/(\d+)/questions/(\d+)/$")


def expect_no_axe_violations(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def stored(attempt: int, position: int) -> Response:
    return Response.objects.get(attempt_id=attempt, position=position)


def start(page: Page, base_url: str, slug: str) -> int:
    page.goto(f"{base_url}/quizzes/{slug}/")
    page.get_by_role("button", name=re.compile("Start")).click()
    expect(page).to_have_url(QUESTION)
    return int(QUESTION.search(page.url).group(1))


def test_without_javascript_next_the_navigator_flag_and_finish_save_the_answer(
    browser: Browser, demo
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, demo.url, "student")
    attempt = start(page, demo.url, "rapallo-test")

    change_answer(page, 1)
    page.get_by_role("button", name="Next →").click()
    expect(page).to_have_url(re.compile(r"/questions/2/$"))
    assert stored(attempt, 1).is_answered

    change_answer(page, 1)
    page.locator("#navigator").get_by_role("button", name=re.compile(r"^Question 5\b")).click()
    expect(page).to_have_url(re.compile(r"/questions/5/$"))
    assert stored(attempt, 2).is_answered

    change_answer(page, 2)
    page.get_by_role("button", name="Flag for review").click()
    expect(page.locator("#flag-form")).to_contain_text("Flagged")
    five = stored(attempt, 5)
    assert five.is_answered and five.flagged

    page.locator("#navigator").get_by_role("button", name=re.compile(r"^Question 6\b")).click()
    change_answer(page, 3)
    page.locator(".attempt-aside").get_by_role("button", name="Finish attempt…").click()
    expect(page.locator("main")).to_contain_text(
        re.compile(r"You have answered 4 of \d+ questions.")
    )
    assert stored(attempt, 6).is_answered
    context.close()


def test_two_windows_on_one_answer_and_a_tests_results(student_page: Page, demo):
    first = student_page
    attempt = start(first, demo.url, "rapallo-test")
    second = first.context.new_page()
    second.goto(first.url)

    change_answer(first, 1)
    expect(first.locator("#save-status")).to_contain_text("Saved at", timeout=5000)
    change_answer(second, 2)  # made later: it wins
    expect(second.locator("#save-status")).to_contain_text("Saved at", timeout=5000)
    kept = stored(attempt, 1).answer
    change_answer(first, 0)  # the first window's own answer was replaced: it is told
    expect(first.locator("#save-status")).to_contain_text("Changed in another window", timeout=5000)
    assert stored(attempt, 1).answer == kept
    second.close()

    first.locator(".attempt-aside").get_by_role("button", name="Finish attempt…").click()
    expect(first).to_have_url(re.compile(r"/attempts/\d+/finish/$"))
    expect(first.get_by_role("heading", level=1)).to_be_visible()
    expect_no_axe_violations(first)
    first.get_by_role("button", name="Submit all and finish").click()
    expect(first).to_have_url(re.compile(r"/attempts/\d+/$"))
    main = first.locator("main")
    expect(main).to_contain_text(re.compile(r"\d+ out of \d+ marks"))
    expect(main).to_contain_text("The correct answers will be shown once the quiz closes or")
    expect(main).not_to_contain_text("Correct answer")
    expect(first.locator("mark.excerpt-highlight")).to_have_count(0)
    expect_no_axe_violations(first)

    # During a second attempt at the test, the full bank (same questions, keys shown) is locked.
    first.goto(f"{demo.url}/quizzes/rapallo-test/")
    first.get_by_role("button", name="Retake the quiz").click()
    expect(first).to_have_url(QUESTION)
    first.goto(f"{demo.url}/quizzes/rapallo-bank/")
    expect(first.locator("main")).to_contain_text("a test. Until you submit it")
    expect(first.get_by_role("button", name=re.compile("Start|Retake"))).to_have_count(0)
    assert not Attempt.objects.filter(quiz__slug="rapallo-bank").exists()


def test_the_teacher_marks_an_answer_and_comments(page: Page, demo):
    quiz = Quiz.objects.get(slug="rapallo-practice")
    student = quiz.course.memberships.get(user__username="student").user
    attempt = start_attempt(quiz=quiz, student=student)
    for response in attempt.responses.all()[:3]:
        response.save_answer(
            response.snapshot["correct"][0] if "correct" in response.snapshot else None
        )
    attempt.finish()

    log_in(page, demo.url, "instructor")
    page.goto(f"{demo.url}/teach/attempts/{attempt.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("attempt 1")
    expect_no_axe_violations(page)
    card = page.locator("#q1")
    expect(card).to_contain_text("Answer given")
    card.get_by_label(re.compile("Marks")).fill("0.5")
    card.get_by_label("Comment").fill("Half: say why.")
    card.get_by_role("button", name=re.compile("Save mark")).click()
    expect(page.locator("#q1")).to_contain_text("Mark overridden")
    expect(page.locator("#q1")).to_contain_text("Marking history (1)")
    expect_no_axe_violations(page)
    assert stored(attempt.pk, 1).comment == "Half: say why."
