"""Select to make, in a real Chromium: the instructor selects words in the text and a draft of
the kind they choose opens in its editor."""

import re

import pytest
from playwright.sync_api import Page, expect

from quizzes.models import QuestionDraft
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = "54"

SELECT = """(words) => {
  for (const segment of document.querySelectorAll("[data-selectable] [data-at]")) {
    const node = [...segment.childNodes].find((n) => n.nodeType === 3 && n.data.includes(words))
      || [...segment.querySelectorAll("*")].flatMap((e) => [...e.childNodes])
        .find((n) => n.nodeType === 3 && n.data.includes(words));
    if (!node) continue;
    const at = node.data.indexOf(words);
    document.getSelection().setBaseAndExtent(node, at, node, at + words.length);
    return true;
  }
  return false;
}"""


def test_selected_words_become_a_choice_draft(page: Page, demo):
    log_in(page, demo.url, "instructor")
    page.goto(f"{demo.url}/teach/texts/rapallo/")
    assert page.evaluate(SELECT, WORDS)
    phrase = page.get_by_label("Words to ask about")
    expect(phrase).to_have_value(WORDS)
    page.get_by_label("Make:", exact=True).select_option("choice")
    page.get_by_role("button", name="Make the draft").click()
    expect(page).to_have_url(re.compile(r"/teach/texts/rapallo/drafts/\d+/edit/$"))
    draft = QuestionDraft.objects.get(pk=int(page.url.rstrip("/").split("/")[-2]))
    body = draft.source_text.body
    assert body[draft.answer_start : draft.answer_end] == WORDS
    assert draft.kind == "single_choice"
