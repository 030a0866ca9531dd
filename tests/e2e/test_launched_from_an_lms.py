"""Launched from a learning platform, in a real Chromium: a teacher adds a quiz to the LMS
course (deep linking), a student opens it inside the course page's frame, takes it, and the
grade reaches the LMS gradebook (tests/lms_platform.py is the LMS)."""

import re

import pytest
from playwright.sync_api import Browser, expect

from quizzes.lti.registration import PlatformForm
from quizzes.lti.scores import deliver_due
from quizzes.models.lms import LmsCourse
from tests.factories import QuizFactory
from tests.lms_platform import INSTRUCTOR, LEARNER, FakeLms, PendingLaunch, Person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEACHER = Person("lms-teacher-1", INSTRUCTOR, "Tess", "Teacher")
ALEX = Person("lms-student-1", LEARNER, "Alex", "Ames")


@pytest.fixture
def lms(live_server):
    platform = FakeLms()
    platform.tool_launch_url = live_server.url + "/lti/launch/"
    platform.tool_jwks_url = live_server.url + "/lti/jwks/"
    form = PlatformForm(data=platform.registration_values())
    assert form.is_valid(), form.errors
    form.save()
    yield platform
    platform.stop()


def test_a_quiz_added_in_the_lms_is_taken_in_its_frame_and_graded_there(browser: Browser, lms):
    teacher = browser.new_context().new_page()
    teacher.goto(lms.browser_start_url(PendingLaunch(TEACHER, "LtiDeepLinkingRequest")))
    expect(teacher.get_by_role("heading", level=1)).to_contain_text("Add a Quizsite quiz")
    course = LmsCourse.objects.get().course
    QuizFactory(course=course, title="Rapallo basics", question_count=3)
    teacher.reload()
    teacher.get_by_label("Rapallo basics").check()
    teacher.get_by_role("button", name="Add to the course").click()
    expect(teacher.locator("body")).to_contain_text("Added to the course.")
    (item,) = lms.deep_link_items
    assert item["lineItem"]["scoreMaximum"] == 100

    # The LMS shows Quizsite in a frame, from another site: the browser keeps no cookies for
    # it there, so Quizsite offers a new window, where the student takes the quiz.
    course_page = browser.new_context().new_page()
    course_page.goto(lms.browser_start_url(lms.resource_launch_for(item, ALEX), framed=True))
    frame = course_page.frame_locator("#tool")
    new_window = frame.get_by_role("link", name="Open Quizsite in a new window")
    expect(new_window).to_be_visible()
    with course_page.expect_popup() as popup:
        new_window.click()
    student = popup.value
    expect(student.get_by_role("heading", level=1)).to_contain_text("Rapallo basics")
    student.get_by_role("button", name=re.compile("Start")).click()
    for number in range(1, 4):
        card = student.locator("#question-card")
        expect(card).to_contain_text(f"Question {number} of 3")
        card.get_by_label("Lipetsk", exact=True).check()
        card.get_by_role("button", name="Check answer").click()
        expect(student.locator("#feedback")).to_contain_text("Right")
        if number < 3:
            student.get_by_role("button", name="Next →").click()
    student.locator("#question-card").get_by_role("button", name="Finish attempt…").click()
    student.get_by_role("button", name="Submit all and finish").click()
    expect(student.locator("main")).to_contain_text("100")

    assert deliver_due()["sent"] == 1
    ((line_item_id, score),) = lms.scores
    assert line_item_id == item["line_item_id"]
    assert score["userId"] == ALEX.sub
    assert score["scoreGiven"] == 100.0


def test_a_frame_of_the_same_site_opens_the_quiz_inside_the_course_page(
    browser: Browser, live_server
):
    lms = FakeLms(host="localhost")  # the live server's site: its cookies are first-party
    try:
        lms.tool_launch_url = live_server.url + "/lti/launch/"
        lms.tool_jwks_url = live_server.url + "/lti/jwks/"
        form = PlatformForm(data=lms.registration_values())
        assert form.is_valid(), form.errors
        form.save()
        teacher = browser.new_context().new_page()
        teacher.goto(lms.browser_start_url(PendingLaunch(TEACHER, "LtiDeepLinkingRequest")))
        QuizFactory(course=LmsCourse.objects.get().course, title="Kiel", question_count=1)
        teacher.reload()
        teacher.get_by_label("Kiel").check()
        teacher.get_by_role("button", name="Add to the course").click()
        expect(teacher.locator("body")).to_contain_text("Added to the course.")

        course_page = browser.new_context().new_page()
        (item,) = lms.deep_link_items
        course_page.goto(lms.browser_start_url(lms.resource_launch_for(item, ALEX), framed=True))
        frame = course_page.frame_locator("#tool")
        expect(frame.get_by_role("heading", level=1)).to_contain_text("Kiel")
        frame.get_by_role("button", name=re.compile("Start")).click()
        expect(frame.locator("#question-card")).to_contain_text("Question 1 of 1")
    finally:
        lms.stop()
