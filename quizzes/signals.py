"""Signals other parts of the site listen to."""

from django.dispatch import Signal

# A student's grade in a quiz in a course may have changed: an attempt was submitted or
# expired, a regrade or a teacher's mark changed its score. Sent inside the transaction that
# changed it, with quiz_id, course_id and student_id. The LMS grade passback listens
# (quizzes/lti/scores.py).
grade_changed = Signal()
