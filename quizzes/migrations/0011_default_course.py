"""Existing content moves into one course, "Default course": today's instructors (the
Instructors group) become its teachers, every other user with an attempt or extra time its
students, every quiz is given to it, and each text, tag, quiz, attempt and accommodation
belongs to it. Nothing else changes: attempts, responses and grades stay as they were.

A database without content (a new site) gets no course: the first teacher creates one.
"""

import secrets

from django.conf import settings
from django.db import migrations

CODE_ALPHABET = "2346789ABCDEFGHJKMNPQRTWXYZ"


def into_default_course(apps, schema_editor):
    Course = apps.get_model("quizzes", "Course")
    Membership = apps.get_model("quizzes", "Membership")
    Assignment = apps.get_model("quizzes", "Assignment")
    SourceText = apps.get_model("quizzes", "SourceText")
    Tag = apps.get_model("quizzes", "Tag")
    Quiz = apps.get_model("quizzes", "Quiz")
    Attempt = apps.get_model("quizzes", "Attempt")
    Accommodation = apps.get_model("quizzes", "Accommodation")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    content = (SourceText, Tag, Quiz, Attempt, Accommodation)
    if not any(model.objects.exists() for model in content):
        return
    course = Course.objects.create(
        title="Default course",
        code="default",
        join_code="".join(secrets.choice(CODE_ALPHABET) for _ in range(7)),
    )
    for model in content:
        model.objects.update(course=course)
    Assignment.objects.bulk_create(
        Assignment(quiz_id=quiz_id, course=course)
        for quiz_id in Quiz.objects.values_list("pk", flat=True)
    )
    teachers = set(User.objects.filter(groups__name="Instructors").values_list("pk", flat=True))
    students = (
        set(Attempt.objects.filter(is_preview=False).values_list("student_id", flat=True))
        | set(Accommodation.objects.values_list("student_id", flat=True))
    ) - teachers
    Membership.objects.bulk_create(
        [Membership(course=course, user_id=pk, role="teacher") for pk in sorted(teachers)]
        + [Membership(course=course, user_id=pk, role="student") for pk in sorted(students)]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0010_courses"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(into_default_course, migrations.RunPython.noop)]
