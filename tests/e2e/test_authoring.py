"""An instructor writes a question of each kind in the editor, builds a quiz from the bank and the
review queue, and students take it, with JavaScript and without, in a real Chromium."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from quizzes import drafting
from quizzes.building import give_to_course
from quizzes.models import Question, Quiz, SourceText
from tests.e2e.conftest import DEMO_PASSWORD, log_in
from tests.e2e.test_take_quiz import expect_no_axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = "1922-1932 - Rapallo"
SCHOOLS = "an aviation school at Lipetsk, a gas school at Volsk, and a tank school near Kazan"
REPORT = "The report he submitted was 54 pages long"
QUESTIONS = {
    "single_choice": "E2E single: where was the aviation school?",
    "multiple_response": "E2E multiple: which were schools of the cooperation?",
    "true_false": "E2E true/false: the tank school was near Kazan.",
    "short_answer": "E2E short: name the town of the gas school.",
    "numeric": "E2E numeric: how many pages long was the report?",
    "ordering": "E2E ordering: put the schools in the order the text names them.",
    "matching": "E2E matching: match each school to its town.",
    "cloze": "E2E cloze: complete the passage.",
}


def rows(page: Page, name: str, values: list[dict]) -> None:
    for index, row in enumerate(values):
        if not page.locator(f"[name^='{name}-{index}-']").count():
            page.locator(f"[data-key-rows][data-name={name}]").get_by_role(
                "button", name="Add a row"
            ).click()
        for column, value in row.items():
            if column == "correct":
                page.locator(
                    f"[name='{name}-{index}-correct'], [name='{name}-correct'][value='{index}']"
                ).check()
            else:
                page.locator(f"[name='{name}-{index}-{column}']").fill(value)


def write_key(page: Page, kind: str) -> None:
    if kind == "single_choice":
        rows(
            page,
            "options",
            [{"text": "Lipetsk", "correct": True}, {"text": "Volsk"}, {"text": "Kazan"}],
        )
    elif kind == "multiple_response":
        rows(
            page,
            "options",
            [
                {"text": "Lipetsk", "correct": True},
                {"text": "Volsk", "correct": True},
                {"text": "Paris"},
            ],
        )
    elif kind == "true_false":
        page.locator("[data-question-editor]").get_by_label("True", exact=True).check()
    elif kind == "short_answer":
        page.get_by_label("Accepted answers:").fill("Volsk\nVolsky")
    elif kind == "numeric":
        page.get_by_label("Value:").fill("54")
    elif kind == "ordering":
        rows(page, "items", [{"text": "Lipetsk"}, {"text": "Volsk"}, {"text": "Kazan"}])
    elif kind == "matching":
        rows(
            page,
            "pairs",
            [
                {"prompt": "aviation", "answer": "Lipetsk"},
                {"prompt": "gas", "answer": "Volsk"},
                {"prompt": "tanks", "answer": "Kazan"},
                {"prompt": "", "answer": "Moscow"},
            ],
        )
    elif kind == "cloze":
        # The visual editor: select words of the passage and make them gaps.
        area = page.locator("[name=cloze_markup]")
        area.fill("An aviation school at Lipetsk and a gas school at Volsk.")
        select_in_textarea(page, "Lipetsk")
        page.get_by_role("button", name="Gap: typed answer").click()
        select_in_textarea(page, "Volsk")
        page.get_by_role("button", name="Gap: drop-down").click()
        markup = area.input_value()
        assert "{1:SHORTANSWER:=Lipetsk}" in markup
        assert "{1:MULTICHOICE:=Volsk~another option~a third option}" in markup
        area.fill(markup.replace("another option~a third option", "Kazan~Lipetsk"))


def select_in_textarea(page: Page, words: str) -> None:
    page.locator("[name=cloze_markup]").evaluate(
        "(area, words) => { const at = area.value.indexOf(words);"
        " area.focus(); area.setSelectionRange(at, at + words.length); }",
        words,
    )


def select_in_text(page: Page, words: str) -> None:
    """Select words in the editor's text picker, as a mouse would."""
    page.locator("[data-text-picker]").evaluate(
        """(picker, words) => {
            for (const span of picker.querySelectorAll('[data-paragraph-text]')) {
                const node = span.firstChild, at = node.textContent.indexOf(words);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at); range.setEnd(node, at + words.length);
                const selection = window.getSelection();
                selection.removeAllRanges(); selection.addRange(range);
                return;
            }
            throw new Error('not in the text: ' + words);
        }""",
        words,
    )


def author(page: Page, base: str, kind: str, *, check_axe: bool = False) -> None:
    page.goto(f"{base}/teach/questions/new/")
    page.get_by_role("link", name=str(Question.Kind(kind).label), exact=True).click()
    # htmx binds the text select when the page has loaded; changed earlier, nothing is fetched.
    page.wait_for_url(f"**/teach/questions/new/{kind}/")
    page.wait_for_load_state("load")
    page.get_by_label("Source text:").select_option(label=TEXT)
    expect(page.locator("#text-picker")).to_contain_text("The text: " + TEXT)
    page.get_by_label("Prompt:").fill(QUESTIONS[kind])
    if kind == "numeric":
        page.get_by_label("Excerpt:").fill(REPORT)
    else:
        select_in_text(page, SCHOOLS)
        page.get_by_role("button", name="Use as the excerpt").click()
        expect(page.get_by_label("Excerpt:")).to_have_value(SCHOOLS)
    write_key(page, kind)
    page.get_by_label("Status:").select_option(label="Published")
    # The state follows what is typed (htmx posts it to be checked).
    expect(page.locator("[data-question-state]")).to_have_text("Published")
    if check_axe:
        expect_no_axe_violations(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Saved: published")


def answer(page: Page, kind: str) -> None:
    card = page.locator("#question-card")
    if kind == "single_choice":
        card.get_by_label("Lipetsk", exact=True).check()
    elif kind == "multiple_response":
        card.get_by_label("Lipetsk", exact=True).check()
        card.get_by_label("Volsk", exact=True).check()
    elif kind == "true_false":
        card.get_by_label("True", exact=True).check()
    elif kind == "short_answer":
        card.get_by_role("textbox").fill("volsk")
    elif kind == "numeric":
        card.get_by_role("textbox").fill("54")
    elif kind == "ordering":
        for position, item in enumerate(["Lipetsk", "Volsk", "Kazan"], start=1):
            card.get_by_label(f"Position of {item}", exact=True).select_option(str(position))
    elif kind == "matching":
        for prompt, town in [("aviation", "Lipetsk"), ("gas", "Volsk"), ("tanks", "Kazan")]:
            card.get_by_label(prompt, exact=True).select_option(label=town)
    elif kind == "cloze":
        card.get_by_label("Gap 1 of 2").fill("Lipetsk")
        card.get_by_label("Gap 2 of 2").select_option(label="Volsk")


def kind_of(page: Page) -> str:
    prompt = page.locator("#question-card legend").inner_text().strip()
    return next(kind for kind, text in QUESTIONS.items() if text == prompt)


def take(page: Page, base: str, slug: str, *, htmx: bool) -> None:
    """Answer every question right and submit; the results give full marks."""
    page.goto(f"{base}/quizzes/{slug}/")
    page.get_by_role("button", name=re.compile("Start")).click()
    for number in range(1, len(QUESTIONS) + 1):
        expect(page.locator("#question-card")).to_contain_text(f"Question {number} of 8")
        kind = kind_of(page)
        answer(page, kind)
        if kind == "cloze" and htmx:
            expect_no_axe_violations(page)
        button = "Save and next" if number < len(QUESTIONS) else "Save and finish…"
        page.get_by_role("button", name=button).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Finish")
    page.get_by_role("button", name=re.compile("Submit")).click()
    expect(page.locator(".score-percent")).to_have_text("100%")


def test_an_instructor_builds_a_quiz_of_every_kind_and_a_student_takes_it(
    page: Page, browser: Browser, demo
):
    base = demo.url
    drafting.rederive(SourceText.objects.get(slug="rapallo"))
    log_in(page, base, "instructor")
    for kind in QUESTIONS:
        author(page, base, kind, check_axe=kind in ("single_choice", "cloze"))

    page.goto(f"{base}/teach/quizzes/new/")
    page.get_by_label("Title:").fill("E2E every kind")
    page.get_by_label("Source text:").select_option(label=TEXT)
    page.get_by_label("Published").check()
    page.get_by_role("button", name="Create and add questions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E2E every kind")
    page.get_by_label("Search the prompts").fill("E2E")
    results = page.locator("#bank-results")
    expect(results).to_contain_text("8 questions found")
    in_quiz = results.locator(".badge-ok", has_text="In this quiz")
    for added in range(1, len(QUESTIONS) + 1):
        results.get_by_role("button", name=re.compile(r"^Add")).first.click()
        expect(in_quiz).to_have_count(added)
    expect(page.locator("[data-total-marks]")).to_contain_text("8 slots")
    expect_no_axe_violations(page)

    # Drag the second slot to the top; the order is saved.
    slots = page.locator("#slot-list li")
    moved = slots.nth(1).get_attribute("data-slot")
    with page.expect_response(re.compile(r"/build/order/$")) as saved:
        slots.nth(1).locator(".drag-handle").drag_to(slots.nth(0).locator(".drag-handle"))
    assert saved.value.status == 200
    expect(page.locator("#slot-list li").first).to_have_attribute("data-slot", moved)
    quiz = Quiz.objects.get(slug="e2e-every-kind")
    assert f"q{quiz.quiz_questions.order_by('position').first().pk}" == moved
    # Keyboard users move it back with its Down button.
    page.locator("#slot-list li").first.get_by_role("button", name=re.compile("Down")).click()
    expect(page.locator("#slot-list li").nth(1)).to_have_attribute("data-slot", moved)

    # From the review queue: accept a draft into the quiz.
    page.goto(f"{base}/teach/texts/rapallo/drafts/")
    card = page.locator(".draft-card").first
    card.get_by_label("And add to the quiz").select_option(label="and add to “E2E every kind”")
    card.get_by_role("button", name="Accept").click()
    accepted = page.locator(".draft-card", has_text="In the bank as")
    expect(accepted).to_contain_text("E2E every kind")
    assert quiz.quiz_questions.count() == 9
    quiz.quiz_questions.order_by("-position").first().delete()  # the student takes the eight

    student = browser.new_page()
    log_in(student, base, "student")
    take(student, base, "e2e-every-kind", htmx=True)
    student.close()


def test_a_student_without_javascript_takes_a_quiz_of_every_kind(browser: Browser, demo):
    base = demo.url
    text = SourceText.objects.get(slug="rapallo")
    quiz = Quiz.objects.create(
        course=text.course, title="No JS", slug="no-js", source_text=text, is_published=True
    )
    give_to_course(quiz, text.course)
    keys = {
        "single_choice": {
            "options": [
                {"id": "a", "text": "Lipetsk", "correct": True, "feedback": ""},
                {"id": "b", "text": "Volsk", "correct": False, "feedback": ""},
            ]
        },
        "multiple_response": {
            "options": [
                {"id": "a", "text": "Lipetsk", "correct": True, "feedback": ""},
                {"id": "b", "text": "Volsk", "correct": True, "feedback": ""},
                {"id": "c", "text": "Paris", "correct": False, "feedback": ""},
            ]
        },
        "true_false": {"answer": True},
        "short_answer": {"answers": ["Volsk"]},
        "numeric": {"value": 54, "tolerance": 0},
        "ordering": {
            "items": [
                {"id": "a", "text": "Lipetsk"},
                {"id": "b", "text": "Volsk"},
                {"id": "c", "text": "Kazan"},
            ]
        },
        "matching": {
            "pairs": [
                {"id": "a", "prompt": "aviation", "answer": "Lipetsk"},
                {"id": "b", "prompt": "gas", "answer": "Volsk"},
                {"id": "c", "prompt": "tanks", "answer": "Kazan"},
            ]
        },
        "cloze": {
            "markup": "An aviation school at {1:SA:=Lipetsk} and a gas school at "
            "{1:MC:=Volsk~Kazan~Lipetsk}."
        },
    }
    start = text.body.index(SCHOOLS)
    for position, (kind, key) in enumerate(keys.items(), start=1):
        question = Question.objects.create(
            source_text=text,
            kind=kind,
            prompt=QUESTIONS[kind],
            status=Question.Status.PUBLISHED,
            excerpt_start=start,
            excerpt_end=start + len(SCHOOLS),
            key=key,
        )
        quiz.quiz_questions.create(question=question, position=position)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("student")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    take(page, base, "no-js", htmx=False)
    context.close()
