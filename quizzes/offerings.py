"""A quiz as a user meets it in one of their courses: its schedule for them, and whether they
take it (a student) or preview it (a teacher or assistant of that course).

Every student page starts here, from the user and their memberships, never from a quiz looked up
by its slug alone: a quiz of a course the user is not in does not exist for them (404).
"""

from dataclasses import dataclass

from django.db.models import Count
from django.http import Http404

from quizzes.models import (
    STAFF_ROLES,
    Assignment,
    Course,
    Quiz,
    Role,
    StudentOverride,
)
from quizzes.review_options import ReviewOptions
from quizzes.schedules import Schedule, adjusted


@dataclass
class Offering:
    quiz: Quiz
    course: Course
    schedule: Schedule
    is_preview: bool
    # What the student sees of their answers, and when: the course's, else the quiz's.
    review: ReviewOptions

    @property
    def url(self) -> str:
        """The quiz page in this course (the course named when it is not the quiz's own)."""
        url = self.quiz.get_absolute_url()
        return url if self.course.pk == self.quiz.course_id else f"{url}?course={self.course.code}"


def student_offerings(user) -> list[Offering]:
    """The published quizzes given to the courses the user takes, each with its schedule for
    them (the course's dates, then their own override): two queries, however many courses."""
    assignments = list(
        Assignment.objects.for_student(user)
        .annotate(question_count=Count("quiz__quiz_questions", distinct=True))
        .order_by("course__title", "course_id", "quiz__title", "quiz_id")
    )
    overrides = {
        override.assignment_id: override
        for override in StudentOverride.objects.filter(
            student=user, assignment__in=[assignment.pk for assignment in assignments]
        )
    }
    offerings = []
    for assignment in assignments:
        assignment.quiz.question_count = assignment.question_count
        override = overrides.get(assignment.pk)
        schedule = adjusted(
            assignment.quiz.schedule,
            assignment.adjustment,
            override.adjustment if override else None,
        )
        offerings.append(
            Offering(assignment.quiz, assignment.course, schedule, False, assignment.review)
        )
    return offerings


def offering(user, slug: str, course_code: str = "", *, for_page: bool = True) -> Offering:
    """The quiz with this slug in one of the user's courses (the one named by its code, when the
    quiz is in several), or 404. Teachers and assistants of a course preview its quizzes, also
    ones not given to any course yet and unpublished ones; students take published quizzes
    given to their (unarchived) courses. `for_page`: with what the quiz's page shows (its text's
    title, its number of questions); starting an attempt needs neither.

    Lookups by unique keys are sliced, not .first(): an ORDER BY costs its compiling on the
    9:00 burst of starts, and there is one row to order."""
    quizzes = Quiz.objects.filter(slug=slug).select_related("course").order_by()
    if for_page:
        quizzes = quizzes.select_related("source_text").annotate(
            question_count=Count("quiz_questions", distinct=True)
        )
    quiz = next(iter(quizzes[:1]), None)
    if quiz is None:
        raise Http404("No such quiz.")
    places = _places(user, quiz)
    if course_code:
        places = [place for place in places if place[0].code == course_code]
    if not places:
        raise Http404("No such quiz in your courses.")
    # Taking it beats previewing it; then the quiz's own course; then by title.
    places.sort(key=lambda place: (place[1], place[0].pk != quiz.course_id, place[0].title))
    course, is_preview, assignment = places[0]
    review = assignment.review if assignment else quiz.review
    return Offering(quiz, course, schedule_for(quiz, assignment, user), is_preview, review)


def schedule_for(quiz: Quiz, assignment: Assignment | None, student) -> Schedule:
    """The quiz's schedule in a course for this student: the quiz's own settings, then the
    course's assignment, then the student's override. One query (none without an assignment)."""
    if assignment is None:
        return quiz.schedule
    overrides = StudentOverride.objects.filter(assignment=assignment, student=student)
    override = next(iter(overrides.order_by()[:1]), None)
    return adjusted(quiz.schedule, assignment.adjustment, override and override.adjustment)


def _places(user, quiz: Quiz) -> list[tuple[Course, bool, Assignment | None]]:
    """Where the user meets the quiz: (course, previewing, the course's assignment)."""
    assignments = {
        assignment.course_id: assignment
        for assignment in Assignment.objects.filter(quiz=quiz).select_related("course").order_by()
    }
    for assignment in assignments.values():
        assignment.quiz = quiz  # its review options fall back to the quiz's, without a query
    if user.is_superuser:
        return [(quiz.course, True, assignments.get(quiz.course_id))]
    roles = dict(
        user.memberships.filter(removed_at__isnull=True, course__in=[quiz.course_id, *assignments])
        .order_by()
        .values_list("course_id", "role")
    )
    places = []
    for course_id, role in roles.items():
        assignment = assignments.get(course_id)
        if role in STAFF_ROLES:
            course = assignment.course if assignment else quiz.course
            places.append((course, True, assignment))
        elif (
            role == Role.STUDENT
            and assignment is not None
            and quiz.is_published
            and not assignment.course.is_archived
        ):
            places.append((assignment.course, False, assignment))
    return places
