"""A student takes the practice quiz in a real Chromium, through htmx."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUESTION_URL = re.compile(r"/attempts/\d+/questions/(\d+)/$")


def answer_correctly(page: Page, question: dict) -> None:
    """Fill in the card's form with the bank's key, as a student who knows the text."""
    card = page.locator("#question-card")
    kind = question["kind"]
    if kind in ("single_choice", "multiple_response"):
        for choice in question["choices"]:
            if choice["correct"]:
                card.get_by_label(choice["text"], exact=True).check()
    elif kind == "true_false":
        card.get_by_label("True" if question["answer"] else "False", exact=True).check()
    elif kind == "short_answer":
        card.get_by_role("textbox").fill(question["answers"][0].upper() + " ")
    elif kind == "numeric":
        card.get_by_role("textbox").fill(str(question["value"]))
    elif kind == "ordering":
        for position, item in enumerate(question["items"], start=1):
            card.get_by_label(f"Position of {item}", exact=True).select_option(str(position))
    elif kind == "matching":
        for prompt, answer in question["pairs"]:
            card.get_by_label(prompt, exact=True).select_option(label=answer)


def current_question(page: Page, bank: dict) -> dict:
    prompt = page.locator("#question-card legend").inner_text().strip()
    return bank[prompt]


def expect_no_axe_violations(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_student_takes_the_practice_quiz_and_reads_the_results(student_page: Page, demo, bank):
    page = student_page
    expect_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("Practice")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Practice")
    expect_no_axe_violations(page)
    page.get_by_role("button", name=re.compile("Start")).click()
    expect(page).to_have_url(QUESTION_URL)
    expect_no_axe_violations(page)

    for number in range(1, 11):
        expect(page.locator("#question-card")).to_contain_text(f"Question {number} of 10")
        answer_correctly(page, current_question(page, bank))
        page.get_by_role("button", name="Check answer").click()
        feedback = page.locator("#feedback")
        expect(feedback).to_contain_text("Right")
        expect(feedback.locator("mark.excerpt-highlight")).to_be_visible()
        if number == 1:
            expect_no_axe_violations(page)
        if number < 10:
            page.get_by_role("button", name="Next →").click()
            expect(page).to_have_url(re.compile(rf"/questions/{number + 1}/$"))

    page.locator("#question-card").get_by_role("button", name="Finish attempt…").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/finish/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect_no_axe_violations(page)
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/$"))
    expect(page.locator("main")).to_contain_text("100")
    expect(page.locator("main")).to_contain_text("Passed")
    expect(page.locator("mark.excerpt-highlight")).to_have_count(10)
    expect_no_axe_violations(page)

    page.get_by_role("link", name=re.compile("Read in the text")).first.click()
    expect(page).to_have_url(re.compile(r"/texts/rapallo/#p\d+$"))
    expect_no_axe_violations(page)
    page.get_by_role("link", name="My scores").click()
    expect(page.locator("main")).to_contain_text("Practice")
    expect_no_axe_violations(page)


def test_answers_are_swapped_in_place_and_back_and_reload_keep_the_attempt(
    student_page: Page, demo, bank
):
    page = student_page
    page.goto(f"{demo.url}/quizzes/rapallo-practice/")
    page.get_by_role("button", name=re.compile("Start")).click()
    expect(page).to_have_url(QUESTION_URL)
    attempt_url = page.url.rsplit("/questions/", 1)[0]

    # A marker on the window survives htmx swaps but not a full page load.
    page.evaluate("window.stillTheSamePage = true")
    answer_correctly(page, current_question(page, bank))
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#feedback")).to_contain_text("Right")
    page.get_by_role("button", name="Next →").click()
    expect(page).to_have_url(f"{attempt_url}/questions/2/")
    assert page.evaluate("window.stillTheSamePage") is True

    second = current_question(page, bank)
    answer_correctly(page, second)
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#feedback")).to_contain_text("Right")

    page.go_back()
    expect(page).to_have_url(f"{attempt_url}/questions/1/")
    expect(page.locator("#question-card")).to_contain_text("Question 1 of 10")
    expect(page.locator("#feedback")).to_contain_text("Right")

    page.reload()
    expect(page.locator("#question-card")).to_contain_text("Question 1 of 10")
    expect(page.locator("#feedback")).to_contain_text("Right")
    page.goto(f"{attempt_url}/questions/2/")
    expect(page.locator("#feedback")).to_contain_text("Right")
    expect(page.locator("#navigator")).to_contain_text("2")

    # A new tab (a closed and reopened browser) resumes the same attempt with its answers.
    page.goto(f"{demo.url}/quizzes/rapallo-practice/")
    page.get_by_role("button", name=re.compile("Resume")).click()
    expect(page).to_have_url(re.compile(re.escape(attempt_url) + r"/questions/3/$"))


def test_a_question_can_be_answered_with_the_keyboard_alone(student_page: Page, demo, bank):
    page = student_page
    page.goto(f"{demo.url}/quizzes/rapallo-practice/")
    page.get_by_role("button", name=re.compile("Start")).focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(QUESTION_URL)
    question = current_question(page, bank)
    correct = next(choice["text"] for choice in question["choices"] if choice["correct"])
    radio = page.locator("#question-card").get_by_label(correct, exact=True)
    radio.focus()
    page.keyboard.press("Space")
    expect(radio).to_be_checked()
    page.get_by_role("button", name="Check answer").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#feedback")).to_contain_text("Right")


def test_timed_quiz_shows_a_countdown_from_the_server_deadline(student_page: Page, demo):
    page = student_page
    page.goto(f"{demo.url}/quizzes/rapallo-test/")
    page.get_by_role("button", name=re.compile("Start")).click()
    timer = page.get_by_role("timer")
    expect(timer).to_have_text(re.compile(r"^(19|20):\d\d"))
    expect_no_axe_violations(page)
