"""The Content Security Policy in a real Chromium: no page, htmx swap or admin page violates it."""

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Added before any page script runs (and not subject to the page's policy).
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__csp.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""


def watch(page: Page) -> list[str]:
    console: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return console


def violations(page: Page) -> list[str]:
    return page.evaluate("window.__csp || []")


def test_student_pages_and_htmx_swaps_keep_the_policy(page: Page, demo):
    console = watch(page)
    log_in(page, demo.url, "student")
    seen = {}
    page.goto(f"{demo.url}/")
    seen["home"] = violations(page)
    page.locator("a[href^='/quizzes/']").first.click()
    page.wait_for_load_state()
    seen["quiz"] = violations(page)
    page.get_by_role("button", name="Start").first.click()
    page.wait_for_url("**/questions/**")
    seen["question"] = violations(page)
    # An htmx request: the flag toggle swaps in place (with the CSRF header from <body>).
    page.locator("#flag-button").click()
    page.locator("#flag-form .badge").wait_for()
    page.get_by_role("button", name="Next →").click()
    page.wait_for_url("**/questions/2/")
    seen["after swaps"] = violations(page)
    page.goto(f"{demo.url}/scores/")
    seen["scores"] = violations(page)
    assert seen == {key: [] for key in seen}
    assert console == []

    # The watcher works: an inline style element added now is refused and reported.
    page.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>body{}</style>')")
    page.wait_for_function("window.__csp.length > 0")
    assert "style-src" in violations(page)[0]


def test_instructor_pages_and_the_admin_keep_the_policy(page: Page, demo):
    console = watch(page)
    log_in(page, demo.url, "instructor")
    seen = {}
    for path in [
        "/teach/",
        "/teach/texts/",
        "/admin/",
        "/admin/quizzes/question/",
        "/admin/quizzes/question/add/",
        "/admin/quizzes/quiz/",
        "/admin/quizzes/quiz/add/",
    ]:
        page.goto(f"{demo.url}{path}")
        page.wait_for_load_state("networkidle")
        seen[path] = violations(page)
    page.goto(f"{demo.url}/admin/quizzes/question/")
    page.locator("#result_list tbody a").first.click()
    page.wait_for_load_state("networkidle")
    seen["question change"] = violations(page)
    assert seen == {key: [] for key in seen}
    assert console == []
