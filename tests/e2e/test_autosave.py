"""Autosave in a real Chromium: saved while typing, retried when the network fails, restored."""

import re

import pytest
from playwright.sync_api import Page, expect

from quizzes.models import Response

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUESTION = re.compile(r"/attempts/(\d+)/questions/(\d+)/$")


def start_test(page: Page) -> int:
    page.get_by_role("link", name=re.compile("Rapallo: Test")).first.click()
    page.get_by_role("button", name=re.compile("Start")).click()
    expect(page).to_have_url(QUESTION)
    return int(QUESTION.search(page.url).group(1))


def change_answer(page: Page, choice: int) -> None:
    """Give the current question a different answer, whatever its kind, without submitting."""
    card = page.locator("#question-card fieldset")
    radios = card.locator("input[type=radio]")
    if radios.count():
        radios.nth(choice % radios.count()).check()
        return
    boxes = card.locator("input[type=checkbox]")
    if boxes.count():
        boxes.nth(choice % boxes.count()).click()
        return
    text = card.locator("input[type=text]")
    if text.count():
        text.fill(str(1900 + choice))
        return
    selects = [card.locator("select").nth(i) for i in range(card.locator("select").count())]
    if selects[0].get_attribute("name").startswith("item_"):
        # Ordering: every position must be used once, so rotate them all.
        count = len(selects)
        for index, select in enumerate(selects):
            select.select_option(str(1 + (index + choice) % count))
        return
    for index, select in enumerate(selects):  # matching: every prompt needs a match
        targets = select.locator("option").count() - 1
        select.select_option(index=1 + (index + choice) % targets)


def stored(attempt: int, position: int) -> Response:
    return Response.objects.get(attempt_id=attempt, position=position)


def test_an_answer_is_saved_while_the_student_works(student_page: Page):
    page = student_page
    attempt = start_test(page)
    change_answer(page, 1)
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=5000)
    first = stored(attempt, 1)
    assert first.is_answered and first.answer_seq > 0
    expect(page.locator("#navigator")).to_contain_text("answered")


def test_a_failed_save_is_retried_and_survives_a_reload(student_page: Page):
    page = student_page
    attempt = start_test(page)
    change_answer(page, 1)
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=5000)
    saved = stored(attempt, 1)

    # The connection drops: the save fails, the page says so and keeps retrying.
    page.route(re.compile(r"/questions/1/$"), lambda route: route.abort())
    change_answer(page, 2)
    expect(page.locator("#save-status")).to_have_text("Not saved — retrying…", timeout=5000)
    assert stored(attempt, 1).answer_seq == saved.answer_seq

    # The student reloads once the server is back: the unsaved answer is restored and saved.
    page.unroute(re.compile(r"/questions/1/$"))
    page.reload()
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=5000)
    now = stored(attempt, 1)
    assert now.answer_seq > saved.answer_seq
    assert now.answer != saved.answer


def test_next_saves_a_choice_before_leaving(student_page: Page):
    page = student_page
    attempt = start_test(page)
    change_answer(page, 1)
    page.get_by_role("button", name="Next →").click()  # before the 800 ms debounce ends
    expect(page).to_have_url(re.compile(r"/questions/2/$"))
    # A save already in flight when Next was pressed may land just after the next card shows.
    for _ in range(50):
        if stored(attempt, 1).is_answered:
            break
        page.wait_for_timeout(100)
    assert stored(attempt, 1).is_answered
