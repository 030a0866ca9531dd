"""The demo instructor adds a question with an excerpt in the admin, puts it in a quiz, and a
student sees it: the foundation's "done when", in a real Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROMPT = "In which city were German and Russian officers introduced to handling tanks?"
EXCERPT = "It was also here that both Russian and German officers were introduced to handling tanks"


def test_a_question_added_in_the_admin_reaches_students(page: Page, demo):
    log_in(page, demo.url, "instructor")
    page.goto(f"{demo.url}/admin/quizzes/question/add/")
    page.get_by_role("link", name="Short answer").click()
    page.get_by_label("Source text:").select_option(label="1922-1932 - Rapallo")
    page.get_by_label("Prompt:").fill(PROMPT)
    page.get_by_label("Explanation:").fill("It was at Kazan that the tank school trained them.")
    page.get_by_label("Status:").select_option(label="Published")
    page.get_by_label("Excerpt:").fill(EXCERPT + " (not quite)")
    page.get_by_label("Accepted answers:").fill("Kazan")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("not in the text exactly as typed")

    page.get_by_label("Excerpt:").fill(EXCERPT)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(f"{demo.url}/admin/quizzes/quiz/")
    page.get_by_role("link", name=re.compile("Practice")).click()
    new_row = page.locator("tr.form-row:not(.has_original):not(.empty-form)").first
    new_row.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("handling tanks")
    page.locator(".select2-results__option", has_text="handling tanks").first.click()
    new_row.locator("input[name$='-position']").fill("11")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.context.clear_cookies()
    log_in(page, demo.url, "student")
    page.goto(f"{demo.url}/quizzes/rapallo-practice/")
    expect(page.locator("main")).to_contain_text("11 questions")
    page.get_by_role("button", name=re.compile("Start")).click()
    page.locator("#navigator").get_by_role("button", name=re.compile(r"^Question 11\b")).click()
    expect(page.locator("#question-card legend")).to_have_text(PROMPT)
    page.locator("#question-card").get_by_role("textbox").fill("kazan")
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#feedback")).to_contain_text("Right")
    expect(page.locator("#feedback mark.excerpt-highlight")).to_have_text(EXCERPT)
