"""What several management commands take from the command line."""

from django.core.management.base import CommandError

from quizzes.models import Course


def course_named(code: str) -> Course:
    """The course with this code; without a code, the only course there is."""
    if code:
        course = Course.objects.filter(code=code).first()
        if course is None:
            raise CommandError(f"No course with the code “{code}”.")
        return course
    courses = list(Course.objects.all()[:2])
    if len(courses) != 1:
        raise CommandError("Say which course with --course CODE.")
    return courses[0]
