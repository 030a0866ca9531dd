"""Courses under /teach/courses/, for their teachers (assistants read): a new course, its page,
settings and join code, the roster with a class list import and set-up codes, and the quizzes
given to it with their dates and students' overrides."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.models import LtiUser

from quizzes import building, enrolment, reports
from quizzes.course_forms import (
    AssignmentForm,
    CourseForm,
    GiveQuizForm,
    JoinCodeForm,
    MemberActionForm,
    NewCourseForm,
    OverrideForm,
    RosterConfirmForm,
    RosterUploadForm,
    StaffForm,
)
from quizzes.models import (
    Assignment,
    Attempt,
    Course,
    Membership,
    Role,
    StudentOverride,
)
from quizzes.models.lms import LmsCourse
from quizzes.permissions import may_create_courses, require_teacher, role_in, teaching_required
from quizzes.views.instructor import quiz_in, staffed_course

CODES_TEMPLATE = "quizzes/courses/setup_codes.html"


@dataclass
class CourseCard:
    course: Course
    role: str
    students: int
    quizzes: list[reports.QuizOverview]


def course_cards(request: HttpRequest) -> list[CourseCard]:
    """The user's courses as teacher or assistant, archived last, each with its quizzes'
    overview: three queries, however many courses and quizzes."""
    user = request.user
    courses = list(
        Course.objects.staffed_by(user)
        .annotate(
            students=Count(
                "memberships",
                filter=Q(memberships__role=Role.STUDENT, memberships__removed_at__isnull=True),
                distinct=True,
            )
        )
        .order_by("is_archived", "title", "pk")
    )
    roles = dict(
        Membership.objects.active()
        .filter(user=user, course__in=courses)
        .values_list("course_id", "role")
    )
    assignments = list(
        Assignment.objects.filter(course__in=courses)
        .select_related("quiz")
        .order_by("quiz__title", "quiz_id")
    )
    overview = reports.course_overview(
        (course, assignment.quiz)
        for course in courses
        for assignment in assignments
        if assignment.course_id == course.pk
    )
    by_course: dict[int, list[reports.QuizOverview]] = {course.pk: [] for course in courses}
    for row in overview:
        by_course[row.course.pk].append(row)
    return [
        CourseCard(
            course=course,
            role=roles.get(course.pk, Role.TEACHER),  # superusers teach every course
            students=course.students,
            quizzes=by_course[course.pk],
        )
        for course in courses
    ]


def taught_course(request: HttpRequest, code: str) -> Course:
    """A course the user teaches (404 if they are not on its staff, 403 if only an assistant)."""
    course = staffed_course(request, code)
    require_teacher(request.user, course)
    return course


# The user's courses, creating and setting up one


@require_GET
@teaching_required
def course_overview(request: HttpRequest) -> HttpResponse:
    """/teach/: the courses the user teaches or assists, each with its quizzes' attempts,
    students, mean and median grade, pass rate and last activity."""
    return render(
        request,
        "quizzes/courses/course_overview.html",
        {"cards": course_cards(request), "may_create": may_create_courses(request.user)},
    )


@require_http_methods(["GET", "POST"])
@teaching_required
def course_new(request: HttpRequest) -> HttpResponse:
    """A new course, taught by the user (who must be allowed to create courses)."""
    if not may_create_courses(request.user):
        raise PermissionDenied("Ask your site's administrator to let you create courses.")
    form = NewCourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            course = form.save(commit=False)
            course.created_by = request.user
            course.save()
            Membership.objects.create(course=course, user=request.user, role=Role.TEACHER)
        messages.success(
            request, f"“{course.title}” created. Give your students its code: {course.join_code}"
        )
        return redirect(course)
    return render(
        request,
        "quizzes/courses/course_form.html",
        {"form": form, "course": None},
        status=400 if form.is_bound else 200,
    )


@require_GET
@teaching_required
def course_home(request: HttpRequest, code: str) -> HttpResponse:
    """A course for its staff: its quizzes with how the class did, its roster in numbers, its
    join code, and (for teachers) a quiz of another course to give it."""
    course = staffed_course(request, code)
    role = role_in(request.user, course)
    card = next(card for card in course_cards(request) if card.course.pk == course.pk)
    return render(
        request,
        "quizzes/courses/course_home.html",
        {
            "course": course,
            "card": card,
            "is_teacher": role == Role.TEACHER,
            "give_form": GiveQuizForm(course=course, user=request.user),
            "join_url": request.build_absolute_uri(course.join_path),
        },
    )


@require_http_methods(["GET", "POST"])
@teaching_required
def course_settings(request: HttpRequest, code: str) -> HttpResponse:
    course = taught_course(request, code)
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        course = form.save()
        messages.success(request, "Course settings saved.")
        return redirect("quizzes:course_settings", code=course.code)
    return render(
        request,
        "quizzes/courses/course_form.html",
        {"form": form, "course": Course.objects.get(pk=course.pk)},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@teaching_required
def course_join_code(request: HttpRequest, code: str) -> HttpResponse:
    """Rotate the join code (the old one stops working), or stop or allow joining with it."""
    course = taught_course(request, code)
    form = JoinCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to do with the code.")
        return redirect(course)
    action = form.cleaned_data["action"]
    if action == "rotate":
        course.rotate_join_code()
        messages.success(request, f"New code: {course.join_code}. The old one no longer works.")
    else:
        course.join_enabled = action == "enable"
        course.save(update_fields=["join_enabled"])
        messages.success(
            request,
            "Students can join with the code."
            if course.join_enabled
            else "Nobody can join with the code until you allow it again.",
        )
    return redirect(course)


# The roster


@require_http_methods(["GET", "POST"])
@teaching_required
def roster(request: HttpRequest, code: str) -> HttpResponse:
    """Everyone in the course by role, removed students last; teachers add a teacher or an
    assistant by username, remove and put back members and issue set-up codes."""
    course = staffed_course(request, code)
    is_teacher = role_in(request.user, course) == Role.TEACHER
    form = StaffForm(request.POST or None)
    if request.method == "POST":
        require_teacher(request.user, course)
        if form.is_valid():
            try:
                member = enrolment.add_staff(
                    course, form.cleaned_data["username"], form.cleaned_data["role"]
                )
            except enrolment.EnrolmentError as error:
                form.add_error("username", str(error))
            else:
                messages.success(
                    request, f"{member.user} is now {member.get_role_display().lower()} here."
                )
                return redirect("quizzes:roster", code=course.code)
    members = list(
        Membership.objects.filter(course=course)
        .select_related("user")
        .order_by("removed_at", "role", "user__username")
    )
    lms = LmsCourse.objects.filter(course=course).select_related("context").first()
    # Members who sign in through the LMS have no password here, nor need a set-up code.
    lms_users = (
        set(
            LtiUser.objects.filter(auth_user__in=[m.user_id for m in members]).values_list(
                "auth_user_id", flat=True
            )
        )
        if lms
        else set()
    )
    return render(
        request,
        "quizzes/courses/roster.html",
        {
            "course": course,
            "is_teacher": is_teacher,
            "form": form,
            "staff": [m for m in members if m.role != Role.STUDENT and not m.is_removed],
            "students": [m for m in members if m.role == Role.STUDENT and not m.is_removed],
            "removed": [m for m in members if m.is_removed],
            "lms": lms,
            "lms_users": lms_users,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@teaching_required
def member_action(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Remove a member, put them back, or give a student a new set-up code (for a forgotten
    password: the sheet is shown once, to print or read out)."""
    course = taught_course(request, code)
    member = get_object_or_404(
        Membership.objects.filter(course=course).select_related("user"), pk=pk
    )
    form = MemberActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to do.")
        return redirect("quizzes:roster", code=course.code)
    action = form.cleaned_data["action"]
    try:
        if action == "remove":
            enrolment.remove(member, by=request.user)
            messages.success(request, f"{member.user} was removed; their attempts are kept.")
        elif action == "restore":
            enrolment.restore(member)
            messages.success(request, f"{member.user} is back in the course.")
        else:
            if member.role != Role.STUDENT or not enrolment.may_issue_code(
                member.user, by=request.user
            ):
                raise enrolment.EnrolmentError(
                    "Set-up codes are for students: teachers and assistants reset their own "
                    "password (or the site's administrator does)."
                )
            issued = enrolment.issue_code(member.user, course=course, by=request.user)
            return render(request, CODES_TEMPLATE, {"course": course, "codes": [issued]})
    except enrolment.EnrolmentError as error:
        messages.error(request, str(error))
    return redirect("quizzes:roster", code=course.code)


@require_http_methods(["GET", "POST"])
@teaching_required
def roster_import(request: HttpRequest, code: str) -> HttpResponse:
    """A class list in two steps: upload it and read the preview (every problem by line,
    nothing changed), then confirm, which creates the accounts and prints their set-up codes."""
    course = taught_course(request, code)
    upload = RosterUploadForm()
    plan = confirm = None
    status = 200
    if request.method == "POST" and "roster" in request.POST:
        confirm = RosterConfirmForm(request.POST)
        if confirm.is_valid():
            try:
                issued = enrolment.import_roster(
                    course, confirm.cleaned_data["roster"], by=request.user
                )
            except enrolment.EnrolmentError as error:
                messages.error(request, str(error))
                return redirect("quizzes:roster_import", code=course.code)
            if not issued:
                messages.info(request, "Everyone on the list is in the course already.")
                return redirect("quizzes:roster", code=course.code)
            return render(request, CODES_TEMPLATE, {"course": course, "codes": issued})
        messages.error(request, " ".join(confirm.errors.get("roster", [])))
        status = 400
    elif request.method == "POST":
        upload = RosterUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            parsed = upload.cleaned_data["file"]
            plan = enrolment.plan_import(course, parsed)
            confirm = RosterConfirmForm(initial={"roster": RosterConfirmForm.sign(parsed)})
            status = 200 if plan.ok else 400
        else:
            status = 400
    return render(
        request,
        "quizzes/courses/roster_import.html",
        {"course": course, "upload": upload, "plan": plan, "confirm": confirm},
        status=status,
    )


# The quizzes given to the course


@require_POST
@teaching_required
def give_quiz(request: HttpRequest, code: str) -> HttpResponse:
    """Give a quiz of another course the user teaches to this course too."""
    course = taught_course(request, code)
    form = GiveQuizForm(request.POST, course=course, user=request.user)
    if not form.is_valid():
        messages.error(request, "Choose a quiz of another course you teach.")
        return redirect(course)
    quiz = form.cleaned_data["quiz"]
    building.give_to_course(quiz, course)
    messages.success(request, f"“{quiz.title}” is given to this course: set its dates here.")
    return redirect("quizzes:assignment", code=course.code, slug=quiz.slug)


@require_http_methods(["GET", "POST"])
@teaching_required
def assignment(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    """The course's own dates, time limit and attempts for the quiz, and students' overrides."""
    course = taught_course(request, code)
    quiz = quiz_in(course, slug)
    # Made when first saved, never by reading the page (a quiz of the course not yet given to it).
    given = Assignment.objects.filter(quiz=quiz, course=course).first() or Assignment(
        quiz=quiz, course=course
    )
    form = AssignmentForm(
        request.POST if request.POST.get("form") == "schedule" else None, instance=given
    )
    override_form = OverrideForm(
        request.POST if request.POST.get("form") == "override" else None, assignment=given
    )
    for bound in (form, override_form):
        if bound.is_bound and bound.is_valid():
            with transaction.atomic():
                if given.pk is None:
                    given = building.give_to_course(quiz, course)
                    override_form.instance.assignment = given
                bound.save()
            messages.success(request, "Saved: it applies to attempts started from now on.")
            return redirect("quizzes:assignment", code=course.code, slug=quiz.slug)
    bound = form.is_bound or override_form.is_bound
    return render(
        request,
        "quizzes/courses/assignment.html",
        {
            "course": course,
            "quiz": quiz,
            "assignment": given,
            "form": form,
            "override_form": override_form,
            "overrides": StudentOverride.objects.filter(assignment=given.pk)
            .select_related("student")
            .order_by("student__username"),
            "has_attempts": Attempt.objects.filter(quiz=quiz, course=course).exists(),
        },
        status=400 if bound else 200,
    )


@require_POST
@teaching_required
def override_delete(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    course = taught_course(request, code)
    quiz = quiz_in(course, slug)
    override = get_object_or_404(
        StudentOverride.objects.filter(assignment__course=course, assignment__quiz=quiz), pk=pk
    )
    override.delete()
    messages.success(request, f"{override.student}'s override was removed.")
    return redirect("quizzes:assignment", code=course.code, slug=quiz.slug)


@require_POST
@teaching_required
def unassign(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    """Take a quiz back from the course, while nobody has attempted it there."""
    course = taught_course(request, code)
    quiz = quiz_in(course, slug)
    if Attempt.objects.filter(quiz=quiz, course=course).exists():
        messages.error(
            request,
            "Students of this course have attempted it, so it stays (their grades are in its "
            "gradebook). Close it instead: give it a closing date.",
        )
        return redirect("quizzes:assignment", code=course.code, slug=quiz.slug)
    Assignment.objects.filter(quiz=quiz, course=course).delete()
    messages.success(request, f"“{quiz.title}” is no longer given to this course.")
    return redirect(course)
