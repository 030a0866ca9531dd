"""LTI 1.3 against a fake learning platform (tests/lms_platform.py) with real keys and HTTP:
registration, launches and their refusals, deep linking, grade passback, rosters, framing."""

import io
import time
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from lti_tool.models import LtiDeployment, LtiLineItem, LtiRegistration, LtiUser

from quizzes.forms import answer_data
from quizzes.lti.launches import course_role
from quizzes.lti.scores import deliver_due
from quizzes.models import Course, Membership, Quiz, Regrade, Role, mark_response
from quizzes.models.lms import LmsCourse, ScoreDelivery, retry_wait
from quizzes.regrading import apply_regrade
from quizzes.starting import start_attempt
from tests.factories import CourseFactory, QuizFactory, UserFactory
from tests.lms_platform import (
    INSTRUCTOR,
    LEARNER,
    TEACHING_ASSISTANT,
    FakeLms,
    PendingLaunch,
    Person,
    new_key,
)

User = get_user_model()
TEACHER = Person("lms-teacher-1", INSTRUCTOR, "Tess", "Teacher", "tess@school.example")
ALEX = Person("lms-student-1", LEARNER, "Alex", "Ames", "alex@school.example")
BEA = Person("lms-student-2", LEARNER, "Bea", "Brown", "bea@school.example")


@pytest.fixture
def lms():
    platform = FakeLms()
    platform.tool_launch_url = "http://testserver/lti/launch/"
    yield platform
    platform.stop()


@pytest.fixture
def registered(lms, client, db):
    """The platform registered through the administrators' page, as an administrator does."""
    admin = User.objects.create_superuser("root", "root@example.org", "pw-123456789")
    client.force_login(admin)
    response = client.post(reverse("lti_platforms"), lms.registration_values())
    assert response.status_code == 302
    client.logout()
    # Deep linking's answer comes back to the LMS through the browser: the test reads the
    # tool's keys through its own keyset view.
    lms.fetch_tool_jwks = lambda: client.get(reverse("lti_jwks")).json()
    return LtiRegistration.objects.get(issuer=lms.issuer)


@pytest.fixture
def other(lms, registered, client):
    """A second platform, registered by the same administrator."""
    platform = FakeLms()
    platform.tool_launch_url = lms.tool_launch_url
    platform.fetch_tool_jwks = lms.fetch_tool_jwks
    client.force_login(User.objects.get(username="root"))
    values = platform.registration_values(name="Other LMS")
    assert client.post(reverse("lti_platforms"), values).status_code == 302
    client.logout()
    yield platform
    platform.stop()


def launch(client, lms, pending: PendingLaunch, secure=False, **login_changes):
    """The browser's part: the LMS sends it to the tool's login initiation, the tool to the
    LMS's authorization endpoint, which has it post the id_token to the tool's launch URL."""
    params = lms.login_params(pending, **login_changes)
    login = client.get(reverse("lti_login"), params, secure=secure)
    if login.status_code != 302:
        return login
    target, form = authorized(lms, login)
    return client.post(urlsplit(target).path, form, secure=secure)


def authorized(lms, login) -> tuple[str, dict]:
    """What the LMS's authorization endpoint answers the tool's login redirect with."""
    query = {key: values[0] for key, values in parse_qs(urlsplit(login["Location"]).query).items()}
    return lms.authorize(query)


def stored_counts() -> dict:
    return {
        "users": User.objects.count(),
        "lti users": LtiUser.objects.count(),
        "courses": Course.objects.count(),
        "memberships": Membership.objects.count(),
        "lms courses": LmsCourse.objects.count(),
        "deployments": LtiDeployment.objects.count(),
        "line items": LtiLineItem.objects.count(),
    }


def assert_refused(client, response, before: dict, reason: str, status: int = 0) -> None:
    """A refusal: a 4xx page that says why, nothing stored, nobody signed in."""
    if status:
        assert response.status_code == status
    else:
        assert 400 <= response.status_code < 500
    assert reason in response.text, response.text[response.text.find("<main") :][:800]
    assert stored_counts() == before
    assert "_auth_user_id" not in client.session


def deep_link_a_quiz(client, lms, *, person=TEACHER, questions=2) -> tuple[Quiz, dict]:
    """The teacher adds an activity in the LMS, picks a quiz, and the LMS stores the link."""
    response = launch(client, lms, PendingLaunch(person, "LtiDeepLinkingRequest"))
    assert response.status_code == 302
    assert response["Location"] == reverse("lti_deep_link")
    course = LmsCourse.objects.get().course
    quiz = QuizFactory(course=course, question_count=questions, title="Rapallo basics")
    page = client.get(reverse("lti_deep_link"))
    assert "Rapallo basics" in page.text
    answer = client.post(reverse("lti_deep_link"), {"quiz": quiz.pk})
    assert answer.status_code == 200
    assert f'action="{lms.url}/deep-link-return"' in answer.text
    token = answer.text.split('name="JWT" value="', 1)[1].split('"', 1)[0]
    status, _ = lms.deep_link_return({"JWT": token})
    assert status == 200
    return quiz, lms.deep_link_items[-1]


# -- pure ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (INSTRUCTOR, Role.TEACHER),
        (LEARNER, Role.STUDENT),
        (TEACHING_ASSISTANT, Role.ASSISTANT),
        (["Instructor"], Role.TEACHER),
        (["Learner"], Role.STUDENT),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator"], Role.TEACHER),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"], None),
        (["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"], None),
        ([], None),
    ],
)
def test_lms_roles_map_to_course_roles(roles, expected):
    assert course_role(roles) == expected


def test_retries_wait_longer_each_time_up_to_an_hour():
    waits = [retry_wait(failures) for failures in range(1, 10)]
    assert waits[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert waits == sorted(waits)
    assert waits[-1] == timedelta(hours=1)


# -- registration --------------------------------------------------------------------------


def test_an_administrator_registers_a_platform_and_reads_the_tool_urls(client, lms, registered):
    admin = User.objects.get(username="root")
    client.force_login(admin)
    page = client.get(reverse("lti_platform", args=[registered.uuid]))
    assert page.status_code == 200
    assert f"http://testserver/lti/login/{registered.uuid}/" in page.text
    assert "http://testserver/lti/launch/" in page.text
    assert "http://testserver/lti/jwks/" in page.text
    assert list(registered.deployments.values_list("deployment_id", "is_active")) == [
        (lms.deployment_id, True)
    ]
    assert registered.quizsite_settings.origins == [lms.url]
    keys = client.get(reverse("lti_jwks")).json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and "d" not in keys[0]
    canvas = client.get(reverse("lti_canvas_json")).json()
    assert canvas["oidc_initiation_url"] == "http://testserver/lti/login/"
    assert canvas["target_link_uri"] == "http://testserver/lti/launch/"
    assert canvas["public_jwk_url"] == "http://testserver/lti/jwks/"
    placements = canvas["extensions"][0]["settings"]["placements"]
    assert {p["message_type"] for p in placements} == {"LtiDeepLinkingRequest"}
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in canvas["scopes"]


def test_a_teacher_cannot_register_platforms(client, instructor):
    client.force_login(instructor)
    assert client.get(reverse("lti_platforms")).status_code == 403
    assert client.get(reverse("lti_canvas_json")).status_code == 403


def test_a_registration_without_deployments_is_refused_with_a_message(client, lms, db):
    admin = User.objects.create_superuser("root", "root@example.org", "pw-123456789")
    client.force_login(admin)
    response = client.post(reverse("lti_platforms"), lms.registration_values(deployment_ids=""))
    assert response.status_code == 400
    assert "Give at least one deployment id." in response.text
    assert not LtiRegistration.objects.exists()


# -- launches ------------------------------------------------------------------------------


def test_an_instructor_deep_links_a_quiz_and_a_learner_launches_it(client, lms, registered):
    quiz, item = deep_link_a_quiz(client, lms)
    course = LmsCourse.objects.get().course
    assert course.title == "History 9A"
    teacher = LtiUser.objects.get(sub=TEACHER.sub).auth_user
    assert Membership.objects.get(course=course, user=teacher).role == Role.TEACHER
    assert teacher.is_staff and teacher.first_name == "Tess"
    assert item["type"] == "ltiResourceLink"
    assert item["url"] == "http://testserver/lti/launch/"
    assert item["custom"] == {"quizsite_quiz": str(quiz.pk)}
    assert item["lineItem"]["scoreMaximum"] == 100
    assert item["lineItem"]["label"] == "Rapallo basics"

    client.logout()
    response = launch(client, lms, lms.resource_launch_for(item, ALEX))
    assert response.status_code == 302
    assert response["Location"] == f"{quiz.get_absolute_url()}?course={course.code}"
    alex = LtiUser.objects.get(sub=ALEX.sub).auth_user
    assert Membership.objects.get(course=course, user=alex).role == Role.STUDENT
    assert not alex.has_usable_password() and not alex.is_staff
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Rapallo basics" in page.text
    line_item = LtiLineItem.objects.get()
    assert line_item.url == f"{lms.url}/lineitems/{item['line_item_id']}"
    assert line_item.quizsite_links.get().quiz == quiz


def test_a_second_launch_is_the_same_user_and_a_second_platform_another(client, lms, other):
    deep_link_a_quiz(client, lms)
    item = lms.deep_link_items[-1]
    for _ in range(2):
        client.logout()
        assert launch(client, lms, lms.resource_launch_for(item, ALEX)).status_code == 302
    assert LtiUser.objects.filter(sub=ALEX.sub).count() == 1

    client.logout()
    # A learner cannot open a course no teacher has set up on that platform.
    learner_first = launch(client, other, PendingLaunch(ALEX, "LtiDeepLinkingRequest"))
    assert learner_first.status_code == 403
    other_teacher = Person(ALEX.sub, INSTRUCTOR, "Alex", "Ames", ALEX.email)
    response = launch(client, other, PendingLaunch(other_teacher, "LtiDeepLinkingRequest"))
    assert response.status_code == 302
    same_sub = LtiUser.objects.filter(sub=ALEX.sub)
    assert same_sub.count() == 2
    assert len({lti_user.auth_user_id for lti_user in same_sub}) == 2  # never joined by e-mail


def test_a_teaching_assistant_assists(client, lms, registered):
    deep_link_a_quiz(client, lms)
    client.logout()
    assistant = Person("lms-ta-1", TEACHING_ASSISTANT, "Tam", "Assist")
    item = lms.deep_link_items[-1]
    assert launch(client, lms, lms.resource_launch_for(item, assistant)).status_code == 302
    user = LtiUser.objects.get(sub="lms-ta-1").auth_user
    assert Membership.objects.get(user=user).role == Role.ASSISTANT


def other_key_pem() -> str:
    return new_key()[1]


REFUSALS = {
    "bad signature": ({"key": "other"}, {}, "signature"),
    "unknown issuer": ({"claims": {"iss": "https://lms.elsewhere.example"}}, {}, "not registered"),
    "unknown client id": ({"claims": {"aud": "another-client"}}, {}, "not registered"),
    "wrong audience": ({"claims": {"aud": ["another-tool"]}}, {}, "not registered"),
    "unknown deployment": (
        {"claims": {"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "dep-9"}},
        {},
        "deployment",
    ),
    "expired token": (
        {"claims": {"exp": int(time.time()) - 60, "iat": int(time.time()) - 400}},
        {},
        "expired",
    ),
    "forged state": ({"state": "state-forged"}, {}, "state"),
    "unsupported message type": (
        {
            "claims": {
                "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiStartProctoring"
            }
        },
        {},
        "not supported",
    ),
    "unknown issuer at login": ({}, {"iss": "https://lms.elsewhere.example"}, "not registered"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_refused_launch_says_why_and_stores_nothing(client, lms, registered, case):
    deep_link_a_quiz(client, lms)
    item = lms.deep_link_items[-1]
    client.logout()
    tamper, login_changes, reason = REFUSALS[case]
    if tamper.get("key") == "other":
        tamper = {"key": other_key_pem()}
    pending = lms.resource_launch_for(item, ALEX)
    pending.tamper = tamper
    before = stored_counts()
    response = launch(client, lms, pending, **login_changes)
    assert_refused(client, response, before, reason)
    assert "Nothing was stored." in response.text


def test_a_launch_without_state_is_refused(client, lms, registered):
    deep_link_a_quiz(client, lms)
    client.logout()
    login = client.get(reverse("lti_login"), lms.login_params(PendingLaunch(ALEX)))
    _, form = authorized(lms, login)
    before = stored_counts()
    response = client.post(reverse("lti_launch"), {"id_token": form["id_token"]})
    assert_refused(client, response, before, "no state", 400)


def test_a_replayed_launch_is_refused(client, lms, registered):
    deep_link_a_quiz(client, lms)
    client.logout()
    login = client.get(
        reverse("lti_login"),
        lms.login_params(lms.resource_launch_for(lms.deep_link_items[-1], ALEX)),
    )
    _, form = authorized(lms, login)
    assert client.post(reverse("lti_launch"), form).status_code == 302
    before = stored_counts()
    client.logout()
    replayed = client.post(reverse("lti_launch"), form)
    assert_refused(client, replayed, before, "already used", 400)


def test_a_learner_cannot_launch_a_quiz_of_another_course(client, lms, registered):
    deep_link_a_quiz(client, lms)
    client.logout()
    elsewhere = QuizFactory(course=CourseFactory(), question_count=1)
    item = dict(lms.deep_link_items[-1], resource_link_id="link-forged")
    item["custom"] = {"quizsite_quiz": str(elsewhere.pk)}
    before = stored_counts()
    response = launch(client, lms, lms.resource_launch_for(item, ALEX))
    assert_refused(client, response, before, "not part of this course", 403)


def test_a_mentor_and_a_learner_before_any_teacher_are_refused(client, lms, registered):
    before = stored_counts()
    mentor = Person("m-1", ["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"])
    response = launch(client, lms, PendingLaunch(mentor, resource_link_id="r-1"))
    assert response.status_code == 403
    response = launch(
        client, lms, PendingLaunch(ALEX, resource_link_id="r-1", custom={"quizsite_quiz": "1"})
    )
    assert response.status_code == 403
    assert stored_counts() == before


def test_a_learner_cannot_deep_link(client, lms, registered):
    deep_link_a_quiz(client, lms)
    client.logout()
    before = stored_counts()
    response = launch(client, lms, PendingLaunch(ALEX, "LtiDeepLinkingRequest"))
    assert response.status_code == 403
    assert stored_counts() == before
    assert client.get(reverse("lti_deep_link")).status_code == 403


def test_a_deep_linking_request_is_answered_once(client, lms, registered):
    quiz, _ = deep_link_a_quiz(client, lms)
    again = client.post(reverse("lti_deep_link"), {"quiz": quiz.pk})
    assert again.status_code == 409
    assert "answered already" in again.text
    assert len(lms.deep_link_items) == 1


@pytest.mark.parametrize(
    "id_token",
    [
        "",
        "not-a-token",
        "a.b.c",
        "eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.",  # alg none, no signature
        "eyJ0eXAiOiJKV1QifQ.bm90IGpzb24.c2ln",  # a body that is not JSON
        "\u0000" * 50,
    ],
)
def test_a_garbage_launch_is_a_clear_400(client, lms, registered, id_token):
    login = client.get(reverse("lti_login"), lms.login_params(PendingLaunch(ALEX)))
    state = parse_qs(urlsplit(login["Location"]).query)["state"][0]
    before = stored_counts()
    response = client.post(reverse("lti_launch"), {"id_token": id_token, "state": state})
    assert_refused(client, response, before, "This launch was refused", 400)


def test_a_login_naming_another_client_of_a_registered_issuer_is_refused(client, lms, registered):
    params = lms.login_params(PendingLaunch(ALEX), client_id="someone-else")
    response = client.get(reverse("lti_login_for", args=[registered.uuid]), params)
    assert response.status_code == 400
    assert "This login was refused" in response.text


# -- framing -------------------------------------------------------------------------------


def test_only_a_launched_session_may_be_framed_and_only_by_its_platform(client, lms, registered):
    quiz, item = deep_link_a_quiz(client, lms)
    client.logout()
    ordinary = UserFactory(username="ordinary", courses=[quiz.course])
    client.force_login(ordinary)
    page = client.get(quiz.get_absolute_url())
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    client.logout()

    launch(client, lms, lms.resource_launch_for(item, ALEX))
    page = client.get(f"{quiz.get_absolute_url()}?course={quiz.course.code}")
    assert page.status_code == 200
    assert "X-Frame-Options" not in page
    assert f"frame-ancestors {lms.url}" in page["Content-Security-Policy"]


def test_over_https_a_launched_session_has_cookies_a_frame_can_send(client, lms, registered):
    _, item = deep_link_a_quiz(client, lms)
    client.logout()
    lms.tool_launch_url = "https://testserver/lti/launch/"
    launched = launch(client, lms, lms.resource_launch_for(item, ALEX), secure=True)
    assert launched.status_code == 302
    session_cookie = launched.cookies["sessionid"]
    assert session_cookie["samesite"] == "None" and session_cookie["secure"]
    page = client.get(launched["Location"], secure=True)
    assert page.status_code == 200
    csrf = page.cookies["csrftoken"]
    assert csrf["samesite"] == "None" and csrf["secure"]


def test_a_framed_login_checks_cookies_and_offers_a_new_window(client, lms, registered):
    params = lms.login_params(PendingLaunch(ALEX, resource_link_id="r-1"))
    page = client.get(reverse("lti_login"), params, headers={"Sec-Fetch-Dest": "iframe"})
    assert page.status_code == 200
    assert "Open Quizsite in a new window" in page.text
    assert "new_window=1" in page.text
    assert "frame-ancestors *" in page["Content-Security-Policy"]
    assert any(name.startswith("lti1p3-state-") for name in page.cookies)
    again = client.get(
        reverse("lti_login"), {**params, "new_window": "1"}, headers={"Sec-Fetch-Dest": "iframe"}
    )
    assert again.status_code == 302 and again["Location"].startswith(lms.url + "/auth?")


# -- grade passback and rosters ------------------------------------------------------------


@pytest.fixture
def served(lms, registered, live_server):
    """The tool's keyset over HTTP, where the LMS's token endpoint reads it."""
    lms.tool_jwks_url = live_server.url + reverse("lti_jwks")
    lms.fetch_tool_jwks = None
    return lms


def launched(client, lms, item: dict, person: Person):
    """The person opens the deep-linked quiz from the LMS; their account here."""
    client.logout()
    assert launch(client, lms, lms.resource_launch_for(item, person)).status_code == 302
    return LtiUser.objects.get(sub=person.sub).auth_user


def take_quiz(client, attempt, right: int) -> None:
    for position, response in enumerate(attempt.responses.order_by("position"), start=1):
        snapshot = response.snapshot
        chosen = (
            snapshot["correct"][0]
            if position <= right
            else next(
                option["id"]
                for option in snapshot["options"]
                if option["id"] not in snapshot["correct"]
            )
        )
        url = reverse("quizzes:attempt_question", args=[attempt.pk, position])
        client.post(url, answer_data(snapshot, chosen))
    client.post(reverse("quizzes:finish_attempt", args=[attempt.pk]))


@pytest.mark.django_db(transaction=True)
def test_a_graded_attempt_reaches_the_lms_once_and_a_regrade_follows(client, served):
    lms = served
    quiz, item = deep_link_a_quiz(client, lms, questions=4)
    course = quiz.course
    alex = launched(client, lms, item, ALEX)
    attempt = start_attempt(quiz=quiz, student=alex, course=course)
    take_quiz(client, attempt, right=3)

    assert deliver_due() == {"sent": 1, "failed": 0, "skipped": 0}
    ((line_item_id, score),) = lms.scores
    assert line_item_id == item["line_item_id"]
    assert score["userId"] == ALEX.sub
    assert score["scoreGiven"] == 75.0 and score["scoreMaximum"] == 100.0
    assert score["activityProgress"] == "Completed"
    assert score["gradingProgress"] == "FullyGraded"
    assert lms.token_requests == 1
    row = ScoreDelivery.objects.get()
    assert row.status == ScoreDelivery.Status.SENT and row.sent_percent == 75

    # The same grade again changes nothing.
    assert deliver_due() == {"sent": 0, "failed": 0, "skipped": 0}
    from quizzes.lti.scores import grade_changed

    assert grade_changed(quiz.pk, course.pk, alex.pk) == 0
    assert len(lms.scores) == 1

    # The teacher gives everyone full marks for the last question: the regrade goes too.
    question = quiz.quiz_questions.order_by("position").last().question
    teacher = LtiUser.objects.get(sub=TEACHER.sub).auth_user
    apply_regrade(quiz, mode=Regrade.Mode.FULL_MARKS, question=question, by=teacher)
    assert deliver_due()["sent"] == 1
    assert lms.scores[-1][1]["scoreGiven"] == 100.0

    # A teacher's mark too.
    response = attempt.responses.order_by("position").first()
    mark_response(
        response, marks=Decimal(0), comment="Read the second paragraph again.", teacher=teacher
    )
    assert deliver_due()["sent"] == 1
    assert lms.scores[-1][1]["scoreGiven"] == 75.0
    assert len(lms.scores) == 3

    client.force_login(teacher)
    gradebook = client.get(reverse("quizzes:gradebook", args=[course.code, quiz.slug]))
    assert "Sent to the LMS" in gradebook.text
    assert "75%" in gradebook.text


@pytest.mark.django_db(transaction=True)
def test_scores_wait_while_the_lms_is_down_and_arrive_once_when_it_returns(client, served):
    lms = served
    quiz, item = deep_link_a_quiz(client, lms, questions=2)
    alex = launched(client, lms, item, ALEX)
    lms.down = True
    take_quiz(client, start_attempt(quiz=quiz, student=alex, course=quiz.course), right=1)

    assert deliver_due() == {"sent": 0, "failed": 1, "skipped": 0}
    row = ScoreDelivery.objects.get()
    assert row.status == ScoreDelivery.Status.WAITING
    assert row.failures == 1 and "503" in row.last_error
    assert row.next_try_at > timezone.now()
    assert deliver_due() == {"sent": 0, "failed": 0, "skipped": 0}  # not due yet
    assert deliver_due(timezone.now() + timedelta(minutes=1))["failed"] == 1
    assert ScoreDelivery.objects.get().failures == 2

    lms.down = False
    assert deliver_due(timezone.now() + timedelta(minutes=5)) == {
        "sent": 1,
        "failed": 0,
        "skipped": 0,
    }
    assert deliver_due(timezone.now() + timedelta(hours=2))["sent"] == 0
    assert [score["scoreGiven"] for _, score in lms.scores] == [50.0]
    assert ScoreDelivery.objects.get().last_error == ""


@pytest.mark.django_db(transaction=True)
def test_roster_sync_brings_students_who_never_launched(client, served):
    lms = served
    quiz, _ = deep_link_a_quiz(client, lms)
    course = quiz.course
    gone = Person("lms-student-3", LEARNER, "Cy", "Gone", status="Inactive")
    assistant = Person("lms-ta-9", TEACHING_ASSISTANT, "Tam", "Assist")
    lms.members = [TEACHER, ALEX, BEA, gone, assistant]
    teacher = LtiUser.objects.get(sub=TEACHER.sub).auth_user
    roster = client.get(reverse("quizzes:roster", args=[course.code]))
    assert "Sync the roster from the LMS" in roster.text
    response = client.post(reverse("quizzes:roster_sync", args=[course.code]), follow=True)
    assert response.status_code == 200
    assert "3 added" in response.text
    synced = LtiUser.objects.get(sub="lms-ta-9").auth_user
    assert Membership.objects.get(course=course, user=synced).role == Role.ASSISTANT
    assert synced.is_staff  # sees the Teaching pages before ever launching
    students = Membership.objects.filter(course=course, role=Role.STUDENT)
    assert sorted(m.user.first_name for m in students) == ["Alex", "Bea"]
    gradebook = client.get(reverse("quizzes:gradebook", args=[course.code, quiz.slug]))
    assert "Bea Brown" in gradebook.text or "Bea" in gradebook.text
    assert LmsCourse.objects.get().roster_synced_at is not None
    roster = client.get(reverse("quizzes:roster", args=[course.code]))
    assert roster.text.count("Signs in through the LMS") == 2  # no password, no set-up code
    assert "New set-up code" not in roster.text

    # Later Bea leaves the LMS course; her attempts stay, her membership is marked removed.
    lms.members = [TEACHER, ALEX, Person(BEA.sub, LEARNER, "Bea", "Brown", status="Deleted")]
    client.post(reverse("quizzes:roster_sync", args=[course.code]))
    bea = LtiUser.objects.get(sub=BEA.sub).auth_user
    assert Membership.objects.get(course=course, user=bea).is_removed

    # The platform down: a message, nothing changed.
    lms.down = True
    teacher.refresh_from_db()
    response = client.post(reverse("quizzes:roster_sync", args=[course.code]), follow=True)
    assert "could not be read" in response.text


@pytest.mark.django_db(transaction=True)
def test_after_the_commit_a_thread_sends_the_grade_and_the_command_sends_the_rest(
    client, served, settings
):
    lms = served
    quiz, item = deep_link_a_quiz(client, lms, questions=2)
    alex = launched(client, lms, item, ALEX)
    settings.LTI_SEND_SCORES_AFTER_COMMIT = True
    take_quiz(client, start_attempt(quiz=quiz, student=alex, course=quiz.course), right=2)
    deadline = time.monotonic() + 10
    while not lms.scores and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [score["scoreGiven"] for _, score in lms.scores] == [100.0]

    # The LMS was down for Bea's grade: the command sends it once it is due.
    settings.LTI_SEND_SCORES_AFTER_COMMIT = False
    bea = launched(client, lms, item, BEA)
    take_quiz(client, start_attempt(quiz=quiz, student=bea, course=quiz.course), right=0)
    ScoreDelivery.objects.filter(lti_user__sub=BEA.sub).update(
        next_try_at=timezone.now() - timedelta(seconds=1)
    )
    out = io.StringIO()
    call_command("send_scores", stdout=out)
    assert out.getvalue().startswith("1 sent, 0 failed")
    assert [score["scoreGiven"] for _, score in lms.scores] == [100.0, 0.0]


def test_an_administrator_links_a_second_platforms_identity_to_the_first_account(
    client, lms, other
):
    quiz, item = deep_link_a_quiz(client, lms)
    first = launched(client, lms, item, ALEX)
    client.logout()

    as_teacher = Person("alex-at-district", INSTRUCTOR, "Alex", "Ames", ALEX.email)
    launch(client, other, PendingLaunch(as_teacher, "LtiDeepLinkingRequest"))
    second = LtiUser.objects.get(sub="alex-at-district")
    assert second.auth_user != first
    client.logout()

    client.force_login(User.objects.get(username="root"))
    change = reverse("admin:lti_tool_ltiuser_change", args=[second.pk])
    assert client.get(change).status_code == 200
    response = client.post(change, {"auth_user": first.pk})
    assert response.status_code == 302
    client.logout()
    launch(client, other, PendingLaunch(as_teacher, "LtiDeepLinkingRequest"))
    assert client.session["_auth_user_id"] == str(first.pk)
    client.force_login(first)
    assert client.get(f"{quiz.get_absolute_url()}?course={quiz.course.code}").status_code == 200
