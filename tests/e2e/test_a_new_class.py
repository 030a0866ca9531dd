"""A new class from start to finish in a real browser: the teacher makes the course, imports a
class list and prints the set-up codes; a student chooses a password with a code, another joins
with the course code; they take a quiz the teacher gave the course; the gradebook shows the
class; a student of another course cannot see the quiz."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import log_in
from tests.e2e.test_take_quiz import expect_no_axe_violations

pytestmark = pytest.mark.e2e

CLASS_LIST = (
    "username,first name,last name\nada.l,Ada,Lovelace\nalan.t,Alan,Turing\ngrace.h,Grace,Hopper\n"
)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def shoot(page: Page, name: str) -> None:
    """A picture of the page in test-results/ (not committed), to look at as a teacher would."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_teacher_sets_up_a_class_and_the_class_takes_a_quiz(
    page: Page, browser: Browser, demo, tmp_path
):
    base = demo.url
    log_in(page, base, "instructor")
    page.goto(f"{base}/teach/")
    expect_no_axe_violations(page)
    page.get_by_role("link", name="New course").click()
    page.get_by_label("Title").fill("History 9C")
    page.get_by_label("Code").fill("history-9c")
    page.get_by_label("Term").fill("2026–27")
    expect_no_axe_violations(page)
    page.get_by_role("button", name="Create the course").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("History 9C")
    join_code = page.locator("[data-join-code]").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{7}", join_code)
    expect_no_axe_violations(page)
    shoot(page, "course-home")

    # Give it the practice quiz of History 9A, on its own terms.
    page.get_by_label("Give a quiz of another of your courses").select_option("rapallo-practice")
    page.get_by_role("button", name="Give it to this course").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rapallo: Practice Quiz")
    expect_no_axe_violations(page)

    # Import the class list, read the preview, confirm, print the codes.
    page.goto(f"{base}/teach/courses/history-9c/roster/")
    expect_no_axe_violations(page)
    page.get_by_role("link", name="Import a class list", exact=True).click()
    class_list = tmp_path / "class.csv"
    class_list.write_text(CLASS_LIST, encoding="utf-8")
    page.get_by_label("Class list (CSV)").set_input_files(str(class_list))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("caption")).to_contain_text("3 new accounts")
    expect_no_axe_violations(page)
    shoot(page, "roster-preview")
    page.get_by_role("button", name="Create 3 accounts and print their codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set-up codes")
    codes = page.locator("[data-setup-code]").all_inner_texts()
    assert len(codes) == 3
    expect_no_axe_violations(page)
    page.emulate_media(media="print")
    expect(page.locator("header.site-header, .site-header")).to_be_hidden()
    shoot(page, "setup-codes-printed")
    page.emulate_media(media="screen")

    # Ada chooses her password with her code and takes the quiz.
    ada = browser.new_page()
    ada.goto(f"{base}/accounts/setup/")
    expect_no_axe_violations(ada)
    ada.get_by_label("Set-up code").fill(codes[0].lower())
    ada.get_by_label(re.compile(r"^New password:?$")).fill("ada-chooses-this-1")
    ada.get_by_label("New password again").fill("ada-chooses-this-1")
    ada.get_by_role("button", name="Set my password").click()
    expect(ada.get_by_role("heading", name="History 9C")).to_be_visible()
    expect_no_axe_violations(ada)
    ada.get_by_role("link", name="Rapallo: Practice Quiz").first.click()
    ada.get_by_role("button", name=re.compile("Start")).click()
    expect(ada.locator("#question-card")).to_contain_text("Question 1 of 10")
    ada.goto(ada.url.rsplit("/questions/", 1)[0] + "/finish/")
    ada.get_by_role("button", name=re.compile("Submit")).click()
    expect(ada.locator(".score-percent")).to_be_visible()
    ada.close()

    # The demo student joins with the course's code from their home page.
    student = browser.new_page()
    log_in(student, base, "student")
    student.get_by_label("Course code").fill(join_code.lower())
    student.get_by_role("button", name="Join").click()
    expect(student.get_by_role("heading", name="History 9C")).to_be_visible()
    shoot(student, "student-home")
    student.close()

    # The gradebook is the roster: Ada with her grade, the others not attempted yet.
    page.goto(f"{base}/teach/courses/history-9c/quizzes/rapallo-practice/")
    table = page.locator("#gradebook-table")
    expect(table).to_contain_text("ada.l")
    expect(table).to_contain_text("student")
    expect(table.locator("tr", has_text="alan.t")).to_contain_text("Not attempted")
    expect_no_axe_violations(page)
    shoot(page, "gradebook-roster")

    # student2 is in History 10B only: the quiz does not exist for them.
    other = browser.new_page()
    log_in(other, base, "student2")
    expect(other.get_by_role("heading", name="History 9C")).to_have_count(0)
    response = other.goto(f"{base}/quizzes/rapallo-practice/?course=history-9c")
    assert response.status == 404
    response = other.goto(f"{base}/quizzes/rapallo-practice/")
    assert response.status == 404
    other.close()
