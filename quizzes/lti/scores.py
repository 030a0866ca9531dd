"""Grade passback (LTI Assignment and Grade Services): a student's quiz grade, under the quiz's
grading method, posted to the LMS gradebook column of each link that opens the quiz.

A graded attempt (submitted, expired, regraded, marked by a teacher) queues the grade in the same
transaction (`grade_changed`); `deliver_due` sends what is due, after the commit in a background
thread and from `manage.py send_scores`, retrying with a growing wait while the LMS is down.
Sending is idempotent: one row per column and student holds the latest grade, a grade equal to
the one sent is not sent again, and a sender that finishes after a newer grade was queued leaves
the newer one waiting.
"""

import logging
import threading
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone
from lti_tool.models import LtiLineItem, LtiRegistration, LtiUser
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.service_connector import ServiceConnector
from requests import RequestException

from quizzes import grading
from quizzes.lti.tool import PlatformSession
from quizzes.models import Attempt, Quiz
from quizzes.models.lms import LmsQuizLink, ScoreDelivery, retry_wait

logger = logging.getLogger(__name__)

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


def quiz_grade(quiz: Quiz, course_id: int, student_id: int) -> Decimal | None:
    """The student's grade in the quiz in the course, as a percentage, over counted attempts."""
    attempts = (
        Attempt.objects.counted()
        .filter(quiz=quiz, course_id=course_id, student_id=student_id)
        .order_by("started_at", "pk")
    )
    percents = [attempt.result.percent for attempt in attempts if attempt.result is not None]
    grade = grading.overall_grade(quiz.grading_method, percents)
    return None if grade is None else Decimal(str(round(grade, 4)))


def grade_changed(quiz_id: int, course_id: int, student_id: int) -> int:
    """Queue the student's grade for every LMS column that shows this quiz in this course;
    how many columns. Call inside the transaction that changed the grade."""
    if not _any_link(quiz_id):
        return 0
    line_items = (
        LtiLineItem.objects.filter(
            quizsite_links__quiz_id=quiz_id, context__quizsite_course__course_id=course_id
        )
        .select_related("context__deployment")
        .distinct()
    )
    quiz = Quiz.objects.get(pk=quiz_id)
    percent = quiz_grade(quiz, course_id, student_id)
    if percent is None:
        return 0  # no counted attempt: nothing to tell the LMS
    now = timezone.now()
    queued = 0
    for line_item in line_items:
        lti_user = LtiUser.objects.filter(
            auth_user_id=student_id, registration_id=line_item.context.deployment.registration_id
        ).first()
        if lti_user is None:
            continue
        queued += _queue(line_item, lti_user, quiz_id, course_id, percent, now)
    if queued and settings.LTI_SEND_SCORES_AFTER_COMMIT:
        transaction.on_commit(send_in_background)
    return queued


def _any_link(quiz_id: int) -> bool:
    # One cheap query for the common case of a quiz no LMS links to.
    return LmsQuizLink.objects.filter(quiz_id=quiz_id, line_item__isnull=False).exists()


def _queue(line_item, lti_user, quiz_id, course_id, percent, now: datetime) -> int:
    with transaction.atomic():
        return _queue_locked(line_item, lti_user, quiz_id, course_id, percent, now)


def _queue_locked(line_item, lti_user, quiz_id, course_id, percent, now: datetime) -> int:
    row, created = ScoreDelivery.objects.select_for_update().get_or_create(
        line_item=line_item,
        lti_user=lti_user,
        defaults={
            "quiz_id": quiz_id,
            "course_id": course_id,
            "percent": percent,
            "graded_at": now,
        },
    )
    if created:
        return 1
    if row.status == ScoreDelivery.Status.SENT and row.sent_percent == percent:
        return 0
    if row.status == ScoreDelivery.Status.WAITING and row.percent == percent:
        return 0
    ScoreDelivery.objects.filter(pk=row.pk).update(
        percent=percent,
        graded_at=now,
        status=ScoreDelivery.Status.WAITING,
        version=F("version") + 1,
        failures=0,
        next_try_at=now,
        last_error="",
    )
    return 1


def send_in_background() -> None:
    threading.Thread(target=_send_and_close, name="lti-scores", daemon=True).start()


def _send_and_close() -> None:
    try:
        deliver_due()
    except Exception:
        logger.exception("Sending scores to the LMS failed; manage.py send_scores retries")
    finally:
        # This thread's own connections: nobody else would close them.
        connections.close_all()


def deliver_due(moment: datetime | None = None) -> dict[str, int]:
    """Send every grade that is due; counts of sent, failed (to retry later) and skipped."""
    moment = moment or timezone.now()
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    connectors: dict[int, ServiceConnector] = {}
    due = ScoreDelivery.objects.due(moment).select_related(
        "line_item__context__deployment__registration", "lti_user"
    )
    for row in list(due.order_by("next_try_at", "pk")[:500]):
        # Claimed as it was read (a stale claim included): of two senders, one updates it.
        claimed = ScoreDelivery.objects.filter(
            pk=row.pk, version=row.version, status=row.status, claimed_at=row.claimed_at
        ).update(status=ScoreDelivery.Status.SENDING, claimed_at=moment)
        if not claimed:
            counts["skipped"] += 1
            continue
        registration = row.line_item.context.deployment.registration
        connector = connectors.setdefault(registration.pk, _connector(registration))
        try:
            _post(connector, row)
        except (LtiException, RequestException, ValueError) as error:
            counts["failed"] += 1
            ScoreDelivery.objects.filter(pk=row.pk, version=row.version).update(
                status=ScoreDelivery.Status.WAITING,
                failures=F("failures") + 1,
                next_try_at=timezone.now() + retry_wait(row.failures + 1),
                last_error=_describe(error)[:500],
            )
            continue
        counts["sent"] += 1
        # A newer grade queued meanwhile (a new version, waiting) keeps its own turn.
        ScoreDelivery.objects.filter(pk=row.pk, version=row.version).update(
            status=ScoreDelivery.Status.SENT,
            sent_percent=row.percent,
            sent_at=timezone.now(),
            failures=0,
            last_error="",
        )
    return counts


def _connector(registration: LtiRegistration) -> ServiceConnector:
    return ServiceConnector(registration.to_registration(), requests_session=PlatformSession())


def _post(connector: ServiceConnector, row: ScoreDelivery) -> None:
    service = AssignmentsGradesService(
        connector, {"scope": [SCORE_SCOPE], "lineitem": row.line_item.url}
    )
    grade = (
        Grade()
        .set_user_id(row.lti_user.sub)
        .set_timestamp(row.graded_at.isoformat())
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_score_given(float(row.percent))
        .set_score_maximum(float(row.score_maximum))
    )
    service.put_grade(grade, LineItem({"id": row.line_item.url}))


def _describe(error: Exception) -> str:
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    return f"The LMS answered {status}" if status else f"{type(error).__name__}: {error}"


def on_grade_changed(sender, *, quiz_id: int, course_id: int, student_id: int, **kwargs) -> None:
    grade_changed(quiz_id, course_id, student_id)
