"""Courses as teachers and students meet them: joining with a code, importing a class list,
one-time set-up codes, removing a student, and a quiz given to two classes on different terms."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from quizzes import enrolment
from quizzes.models import Assignment, Attempt, Course, Membership, Role, SetupCode
from quizzes.offerings import offering
from quizzes.starting import start_attempt
from tests.factories import CourseFactory, InstructorFactory, QuizFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def course():
    return CourseFactory(code="hist-9a", title="History 9A")


@pytest.fixture
def teacher(client, course):
    user = InstructorFactory(username="tess", courses=[course])
    client.force_login(user)
    return user


def account_state() -> tuple:
    return (
        sorted(User.objects.values_list("username", flat=True)),
        sorted(Membership.objects.values_list("course__code", "user__username", "role")),
        SetupCode.objects.count(),
    )


# Joining with the course's code


def test_a_student_joins_with_the_code_and_sees_the_course_quizzes(client, course):
    quiz = QuizFactory(title="Rapallo practice", question_count=1, course=course)
    student = UserFactory(username="stu", courses=[])
    client.force_login(student)
    assert "Rapallo practice" not in client.get(reverse("quizzes:quiz_list")).text

    typed = course.join_code.lower()[:3] + " " + course.join_code.lower()[3:]  # as typed
    response = client.post(reverse("quizzes:join"), {"code": typed}, follow=True)

    assert Membership.objects.get(user=student).course == course
    assert "Rapallo practice" in response.text
    assert offering(student, quiz.slug).course == course


def test_sign_up_through_the_join_link_joins_the_course(client, course):
    link = reverse("quizzes:join_course", args=[course.join_code])
    page = client.get(link)
    assert course.title in page.text
    signup = reverse("signup") + "?" + f"join={course.join_code}"
    response = client.post(
        signup,
        {
            "username": "nadia",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            "join_code": course.join_code,
        },
        follow=True,
    )
    assert response.status_code == 200
    nadia = User.objects.get(username="nadia")
    assert Membership.objects.get(user=nadia).role == Role.STUDENT


def test_sign_up_without_a_code_sees_no_quizzes_until_it_joins(client, course):
    QuizFactory(title="Rapallo practice", question_count=1, course=course)
    client.post(
        reverse("signup"),
        {"username": "nadia", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
    )
    home = client.get(reverse("quizzes:quiz_list")).text
    assert "You are not in a course yet" in home
    assert "Rapallo practice" not in home
    assert not Membership.objects.filter(user__username="nadia").exists()


def test_a_rotated_or_disabled_code_is_refused_with_a_reason(client, teacher, course):
    old = course.join_code
    client.post(reverse("quizzes:course_join_code", args=[course.code]), {"action": "rotate"})
    course.refresh_from_db()
    assert course.join_code != old
    student = UserFactory(username="stu", courses=[])
    client.force_login(student)
    refused = client.post(reverse("quizzes:join"), {"code": old})
    assert refused.status_code == 400
    assert "No course has this code" in refused.text
    assert client.get(reverse("quizzes:join_course", args=[old])).status_code == 404

    course.join_enabled = False
    course.save()
    refused = client.post(reverse("quizzes:join"), {"code": course.join_code})
    assert refused.status_code == 400
    assert "is not taking new students" in refused.text
    assert not Membership.objects.filter(user=student).exists()


def test_joining_twice_changes_nothing_and_a_removed_student_comes_back(course):
    student = UserFactory(username="stu", courses=[])
    assert enrolment.join(student, course.join_code) == (course, True)
    assert enrolment.join(student, course.join_code) == (course, False)
    membership = Membership.objects.get(user=student)
    enrolment.remove(membership, by=student)
    assert enrolment.join(student, course.join_code) == (course, True)
    membership.refresh_from_db()
    assert membership.removed_at is None
    assert Membership.objects.filter(user=student).count() == 1


def test_a_teacher_who_joins_with_the_code_stays_a_teacher(teacher, course):
    enrolment.join(teacher, course.join_code)
    assert Membership.objects.get(user=teacher, course=course).role == Role.TEACHER


# Importing a class list


def upload(client, course, content: bytes, name="class.csv"):
    return client.post(
        reverse("quizzes:roster_import", args=[course.code]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_an_import_previews_then_creates_accounts_and_prints_codes(client, teacher, course):
    before = account_state()
    preview = upload(client, course, b"username,name\nada,Ada Lovelace\nalan,Alan Turing\n")
    assert preview.status_code == 200
    assert "2 new accounts" in preview.text
    assert account_state() == before  # a preview changes nothing

    signed = re.search(r'name="roster" value="([^"]+)"', preview.text).group(1)
    sheet = client.post(reverse("quizzes:roster_import", args=[course.code]), {"roster": signed})

    assert sheet.status_code == 200
    codes = re.findall(r"data-setup-code>([A-Z0-9-]+)<", sheet.text)
    assert len(codes) == 2 and len(set(codes)) == 2
    assert "print.css" in sheet.text
    ada = User.objects.get(username="ada")
    assert (ada.first_name, ada.last_name, ada.has_usable_password()) == ("Ada", "Lovelace", False)
    assert Membership.objects.get(user=ada).course == course
    # Confirming the same preview again adds nobody (they are members now).
    again = client.post(reverse("quizzes:roster_import", args=[course.code]), {"roster": signed})
    assert again.status_code == 302
    assert User.objects.filter(username__in=["ada", "alan"]).count() == 2


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        ("username,name\nzoë,Zoë\n".encode("latin-1"), "not UTF-8"),
        (b"number,class\n1,9A\n", "Line 1: The first line must name the columns"),
        (b"username,name\nada,Ada\nADA,Ada again\n", "Line 3: “ADA” is already on line 2."),
        (
            b"username,name\n" + b"".join(b"s%d,S %d\n" % (n, n) for n in range(10_000)),
            "Line 2002: The list goes on past 2,000 students",
        ),
    ],
)
def test_a_bad_class_list_gets_line_numbered_errors_and_changes_nothing(
    client, teacher, course, content, shown
):
    before = account_state()
    response = upload(client, course, content)
    assert response.status_code == 400
    assert shown in response.text
    assert 'name="roster"' not in response.text  # nothing to confirm
    assert account_state() == before


def test_a_username_of_another_course_is_refused_not_taken_over(client, teacher, course):
    elsewhere = UserFactory(username="bea", courses=[CourseFactory()])
    before = account_state()
    response = upload(client, course, b"username,email,name\nada,,Ada\nBEA,,Bea\n")
    assert response.status_code == 400
    assert "Line 3: The username “BEA” belongs to an existing account" in response.text
    assert account_state() == before
    assert not elsewhere.memberships.filter(course=course).exists()


def test_a_changed_preview_is_refused(client, teacher, course):
    preview = upload(client, course, b"username,name\nada,Ada\n")
    signed = re.search(r'name="roster" value="([^"]+)"', preview.text).group(1)
    before = account_state()
    response = client.post(
        reverse("quizzes:roster_import", args=[course.code]), {"roster": signed[:-2] + "xx"}
    )
    assert response.status_code == 400
    assert "expired or was changed" in response.text
    assert account_state() == before


def test_an_import_that_became_invalid_before_confirming_creates_nothing(client, teacher, course):
    preview = upload(client, course, b"username,name\nada,Ada\nalan,Alan\n")
    signed = re.search(r'name="roster" value="([^"]+)"', preview.text).group(1)
    UserFactory(username="alan", courses=[CourseFactory()])  # signed up meanwhile
    before = account_state()
    response = client.post(
        reverse("quizzes:roster_import", args=[course.code]), {"roster": signed}, follow=True
    )
    assert "nothing was imported" in response.text
    assert account_state() == before


# One-time set-up codes


def issued_code(course, username="ada") -> str:
    student = UserFactory(username=username, courses=[course])
    student.set_unusable_password()
    student.save()
    by = Membership.objects.filter(course=course, role=Role.TEACHER).first()
    return enrolment.issue_code(student, course=course, by=by.user if by else student).code


def set_password(client, code: str, password="a-long-pass-phrase"):
    return client.post(
        reverse("setup_password"), {"code": code, "password1": password, "password2": password}
    )


def test_a_code_sets_the_password_once_and_logs_in(client, course):
    code = issued_code(course)
    response = set_password(client, code.lower().replace("-", " "))  # as a student types it
    assert response.status_code == 302
    assert User.objects.get(username="ada").check_password("a-long-pass-phrase")
    assert client.get(reverse("quizzes:quiz_list")).context["user"].username == "ada"

    client.logout()
    again = set_password(client, code, "another-long-phrase")
    assert again.status_code == 400
    assert "it may have been used already" in again.text
    assert User.objects.get(username="ada").check_password("a-long-pass-phrase")


def test_a_replaced_or_old_code_is_refused(client, course):
    first = issued_code(course)
    student = User.objects.get(username="ada")
    second = enrolment.issue_code(student, course=course, by=student).code
    assert set_password(client, first).status_code == 400
    SetupCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = set_password(client, second)
    assert response.status_code == 400
    assert "more than two weeks old" in response.text
    assert not User.objects.get(username="ada").has_usable_password()


def test_a_teacher_issues_a_new_code_for_a_student_but_not_for_staff(client, teacher, course):
    student = UserFactory(username="stu", courses=[course])
    member = Membership.objects.get(user=student)
    sheet = client.post(
        reverse("quizzes:member_action", args=[course.code, member.pk]), {"action": "code"}
    )
    (code,) = re.findall(r"data-setup-code>([A-Z0-9-]+)<", sheet.text)
    assistant = UserFactory(username="assi", courses=[])
    staff = enrolment.add_staff(course, "assi", Role.ASSISTANT)
    response = client.post(
        reverse("quizzes:member_action", args=[course.code, staff.pk]),
        {"action": "code"},
        follow=True,
    )
    assert "Set-up codes are for students" in response.text
    assert not SetupCode.objects.filter(user=assistant).exists()
    client.logout()
    assert set_password(client, code).status_code == 302


def test_the_login_and_lockout_pages_say_who_gives_a_new_password(client):
    assert "ask your teacher for a set-up code" in client.get(reverse("login")).text.lower()


# Removing a student


def test_a_removed_student_keeps_their_attempts_and_is_marked_in_the_gradebook(
    client, teacher, course
):
    quiz = QuizFactory(question_count=1, course=course)
    student = UserFactory(username="stu", courses=[course])
    attempt = start_attempt(quiz=quiz, student=student)
    attempt.finish()
    member = Membership.objects.get(user=student)
    client.post(
        reverse("quizzes:member_action", args=[course.code, member.pk]), {"action": "remove"}
    )

    member.refresh_from_db()
    assert member.removed_at is not None
    assert Attempt.objects.filter(pk=attempt.pk).exists()
    gradebook = client.get(reverse("quizzes:gradebook", args=[course.code, quiz.slug]))
    (row,) = [row for row in gradebook.context["rows"] if row.student == student]
    assert row.removed and row.attempts == [attempt]
    assert "Removed" in gradebook.text
    client.force_login(student)
    assert client.get(quiz.get_absolute_url()).status_code == 404
    assert client.get(reverse("quizzes:attempt_result", args=[attempt.pk])).status_code == 200


def test_the_last_teacher_cannot_be_removed(teacher, course):
    with pytest.raises(enrolment.EnrolmentError, match="needs a teacher"):
        enrolment.remove(Membership.objects.get(user=teacher), by=teacher)


# One quiz, two classes


def test_the_same_quiz_has_its_own_dates_and_attempts_in_each_course(client, teacher, course):
    other = CourseFactory(code="hist-9b")
    Membership.objects.create(course=other, user=teacher, role=Role.TEACHER)
    quiz = QuizFactory(question_count=1, course=course, attempts_allowed=1)
    now = timezone.now()
    client.post(reverse("quizzes:give_quiz", args=[other.code]), {"quiz": quiz.slug})
    client.post(
        reverse("quizzes:assignment", args=[other.code, quiz.slug]),
        {"form": "schedule", "opens_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")},
    )
    client.post(
        reverse("quizzes:assignment", args=[course.code, quiz.slug]),
        {"form": "schedule", "attempts_allowed": "3"},
    )
    in_a = UserFactory(username="a", courses=[course])
    in_b = UserFactory(username="b", courses=[other])
    assert offering(in_a, quiz.slug).schedule.attempts_allowed == 3
    assert offering(in_b, quiz.slug).schedule.opens_later(now)
    with pytest.raises(Exception, match="not open"):
        start_attempt(quiz=quiz, student=in_b, course=other)
    assert start_attempt(quiz=quiz, student=in_a).course == course


def test_a_student_override_gives_one_student_more_attempts(client, teacher, course):
    quiz = QuizFactory(question_count=1, course=course, attempts_allowed=1)
    student = UserFactory(username="stu", courses=[course])
    url = reverse("quizzes:assignment", args=[course.code, quiz.slug])
    for attempts in ("2", "3"):  # a second override for the same student replaces the first
        response = client.post(
            url, {"form": "override", "student": student.pk, "attempts_allowed": attempts}
        )
        assert response.status_code == 302
    assert offering(student, quiz.slug).schedule.attempts_allowed == 3
    assert offering(UserFactory(courses=[course]), quiz.slug).schedule.attempts_allowed == 1


def test_reading_the_schedule_page_gives_the_quiz_to_nobody(client, teacher, course):
    quiz = QuizFactory(question_count=1, course=course, assigned=False)
    assert (
        client.get(reverse("quizzes:assignment", args=[course.code, quiz.slug])).status_code == 200
    )
    assert not Assignment.objects.filter(quiz=quiz).exists()


# The course-wide grades export


def test_the_course_grades_csv_has_every_student_and_every_quiz(client, teacher, course):
    first = QuizFactory(slug="first", question_count=1, course=course)
    QuizFactory(slug="second", question_count=1, course=course)
    student = UserFactory(username="stu", courses=[course])
    UserFactory(username="idle", courses=[course])
    start_attempt(quiz=first, student=student).finish()
    response = client.get(reverse("quizzes:course_grades", args=[course.code]))
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = [line.split(",") for line in lines]
    assert header[:3] == ["course", "quiz", "student"]
    # One row per student and quiz, those who attempted nothing too.
    assert sorted((row[1], row[2], row[header.index("attempts")]) for row in rows) == [
        ("first", "idle", "0"),
        ("first", "stu", "1"),
        ("second", "idle", "0"),
        ("second", "stu", "0"),
    ]


# Courses a teacher makes


def test_a_teacher_creates_a_course_and_teaches_it(client, teacher):
    response = client.post(
        reverse("quizzes:course_new"), {"title": "History 10C", "code": "hist-10c", "term": "2026"}
    )
    made = Course.objects.get(code="hist-10c")
    assert response["Location"] == made.get_absolute_url()
    assert Membership.objects.get(course=made).user == teacher
    assert len(made.join_code) == 7


def test_a_student_cannot_create_courses(client):
    client.force_login(UserFactory())
    assert (
        client.post(reverse("quizzes:course_new"), {"title": "X", "code": "x"}).status_code == 403
    )
    assert not Course.objects.filter(code="x").exists()


# Password help


def test_without_e_mail_the_reset_page_sends_students_to_their_teacher(client, mailoutbox):
    UserFactory(username="ada", email="ada@example.org")
    for page in (
        client.get(reverse("password_reset")),
        client.post(reverse("password_reset"), {"email": "ada@example.org"}),
    ):
        assert page.status_code == 200
        assert "set-up code" in page.text
    assert mailoutbox == []


def test_with_e_mail_configured_djangos_reset_flow_works(client, settings, mailoutbox):
    settings.PASSWORD_RESET_BY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    UserFactory(username="ada", email="ada@example.org")
    response = client.post(reverse("password_reset"), {"email": "ada@example.org"})
    assert response.status_code == 302
    (mail,) = mailoutbox
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mail.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-phrase", "new_password2": "a-new-long-phrase"},
    )
    assert done.status_code == 302
    assert User.objects.get(username="ada").check_password("a-new-long-phrase")


def test_a_course_cannot_take_the_new_course_pages_address(client, teacher):
    response = client.post(reverse("quizzes:course_new"), {"title": "New", "code": "new"})
    assert response.status_code == 400
    assert "taken by the page that makes a course" in response.text
    assert not Course.objects.filter(code="new").exists()


def test_a_code_no_longer_opens_an_account_made_staff_since(client, course):
    code = issued_code(course)
    enrolment.add_staff(course, "ada", Role.ASSISTANT)
    response = set_password(client, code)
    assert response.status_code == 400
    assert "set-up codes no longer open it" in response.text
    assert not User.objects.get(username="ada").has_usable_password()
