"""The admin for teachers: every change list, every choice list of every form (inlines too)
offers only the objects of the teacher's own courses."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.forms import ModelChoiceField
from django.urls import reverse

from quizzes.admin import COURSE_OF, of_courses
from quizzes.models import Accommodation, Course, Membership, RandomDraw, Role, Tag
from quizzes.starting import start_attempt
from tests.factories import (
    CourseFactory,
    InstructorFactory,
    QuizFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MODELS = list(apps.get_app_config("quizzes").get_models())
REGISTERED = [model for model in MODELS if admin.site.is_registered(model)]


@pytest.fixture
def courses():
    """Two courses with content, people and attempts of every kind in each; a teacher of B."""
    made = {}
    for name in ("a", "b"):
        course = CourseFactory(code=f"course-{name}")
        teacher = InstructorFactory(username=f"teacher-{name}", courses=[course])
        student = UserFactory(username=f"student-{name}", courses=[course])
        quiz = QuizFactory(question_count=2, course=course, owner=teacher)
        tag = Tag.objects.create(course=course, name="dates")
        quiz.quiz_questions.first().question.tags.add(tag)
        RandomDraw.objects.create(quiz=quiz, position=3, count=1, tag=tag)
        Accommodation.objects.create(course=course, student=student, time_factor=2)
        assignment = quiz.assignments.get(course=course)
        assignment.overrides.create(student=student, attempts_allowed=5)
        start_attempt(quiz=quiz, student=student).finish()
        made[name] = course
    return made


def objects_of(model, course) -> set:
    courses = Course.objects.filter(pk=course.pk)
    return set(of_courses(model.objects.all(), courses).values_list("pk", flat=True))


def test_every_model_of_the_app_says_how_it_belongs_to_a_course():
    assert REGISTERED
    assert set(REGISTERED) <= set(COURSE_OF)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.model_name)
def test_change_lists_show_only_the_teachers_courses(client, courses, model):
    client.force_login(get_user_model().objects.get(username="teacher-b"))
    url = reverse(f"admin:quizzes_{model._meta.model_name}_changelist")
    response = client.get(url)
    assert response.status_code == 200
    shown = {obj.pk for obj in response.context["cl"].queryset}
    assert shown == objects_of(model, courses["b"])
    assert shown, "the teacher's own objects are listed"


def choice_fields(response):
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [*inline.formset.forms, inline.formset.empty_form]
    for form in forms:
        for name, field in form.fields.items():
            # A formset's hidden row id is checked against the formset's own rows, not offered.
            if isinstance(field, ModelChoiceField) and name != form.instance._meta.pk.name:
                yield f"{type(form).__name__}.{name}", field


def leaked(field, courses) -> set:
    model = field.queryset.model
    offered = set(field.queryset.values_list("pk", flat=True))
    if model is get_user_model():
        theirs = set(Membership.objects.filter(course=courses["b"]).values_list("user", flat=True))
        return offered - theirs
    return offered & objects_of(model, courses["a"])


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.model_name)
def test_no_form_offers_another_courses_objects_or_people(client, courses, model):
    client.force_login(get_user_model().objects.get(username="teacher-b"))
    pages = []
    name = model._meta.model_name
    # A question's add page first asks for its kind.
    kind = {"kind": "single_choice"} if name == "question" else {}
    add = client.get(reverse(f"admin:quizzes_{name}_add"), kind)
    if add.status_code == 200:
        pages.append(add)
    for pk in objects_of(model, courses["b"]):
        pages.append(client.get(reverse(f"admin:quizzes_{name}_change", args=[pk])))
    assert pages
    for page in pages:
        assert page.status_code == 200
        for label, field in choice_fields(page):
            assert leaked(field, courses) == set(), label


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.model_name)
def test_another_courses_object_cannot_be_opened(client, courses, model):
    client.force_login(get_user_model().objects.get(username="teacher-b"))
    for pk in objects_of(model, courses["a"]):
        url = reverse(f"admin:quizzes_{model._meta.model_name}_change", args=[pk])
        # The admin's answer for an object the user may not see: back to the index.
        assert client.get(url).status_code == 302


def test_an_assistant_reads_attempts_but_edits_nothing(client, courses):
    assistant = UserFactory(username="assi", is_staff=True, courses=[])
    Membership.objects.create(course=courses["b"], user=assistant, role=Role.ASSISTANT)
    client.force_login(assistant)
    assert client.get(reverse("admin:quizzes_question_changelist")).status_code == 403
