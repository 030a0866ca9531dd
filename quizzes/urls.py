from django.urls import path, register_converter

from quizzes.views import (
    accounts,
    authoring,
    builder,
    courses,
    exchange,
    instructor,
    lms,
    questions,
    student,
)

app_name = "quizzes"


class IdConverter:
    """A primary key: 1 to 18 digits, never past a 64-bit integer, so an id no row could have is
    a 404 before any query (the plain SQL of quizzes/sql.py has no ORM to bound it)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class PositionConverter(IdConverter):
    """A question's place in an attempt: 1 to 5 digits."""

    regex = "[0-9]{1,5}"


register_converter(IdConverter, "id")
register_converter(PositionConverter, "position")

urlpatterns = [
    path("", student.quiz_list, name="quiz_list"),
    path("join/", accounts.join, name="join"),
    path("join/<str:code>/", accounts.join_course, name="join_course"),
    path("quizzes/<slug:slug>/", student.quiz_detail, name="quiz_detail"),
    path("quizzes/<slug:slug>/start/", student.start_quiz, name="start_quiz"),
    path(
        "attempts/<id:pk>/questions/<position:position>/",
        student.attempt_question,
        name="attempt_question",
    ),
    path(
        "attempts/<id:pk>/questions/<position:position>/flag/",
        student.toggle_flag,
        name="toggle_flag",
    ),
    path("attempts/<id:pk>/finish/", student.finish_attempt, name="finish_attempt"),
    path("attempts/<id:pk>/", student.attempt_result, name="attempt_result"),
    path("texts/<slug:slug>/", student.source_text_detail, name="source_text_detail"),
    path("scores/", student.my_scores, name="my_scores"),
]

course_urlpatterns = [
    path("teach/", courses.course_overview, name="course_overview"),
    path("teach/courses/new/", courses.course_new, name="course_new"),
    path("teach/courses/<slug:code>/", courses.course_home, name="course_home"),
    path("teach/courses/<slug:code>/settings/", courses.course_settings, name="course_settings"),
    path("teach/courses/<slug:code>/join-code/", courses.course_join_code, name="course_join_code"),
    path("teach/courses/<slug:code>/roster/", courses.roster, name="roster"),
    path("teach/courses/<slug:code>/roster/import/", courses.roster_import, name="roster_import"),
    path("teach/courses/<slug:code>/roster/lms/", lms.roster_sync, name="roster_sync"),
    path("teach/courses/<slug:code>/roster/<id:pk>/", courses.member_action, name="member_action"),
    path(
        "teach/courses/<slug:code>/grades.csv", instructor.course_grades_csv, name="course_grades"
    ),
    path("teach/courses/<slug:code>/give/", courses.give_quiz, name="give_quiz"),
    path("teach/courses/<slug:code>/questions/import/", exchange.bank_import, name="bank_import"),
    path(
        "teach/courses/<slug:code>/questions/import/<id:pk>/",
        exchange.bank_import_preview,
        name="bank_import_preview",
    ),
    path(
        "teach/courses/<slug:code>/questions/excerpts/",
        exchange.excerpts_to_confirm,
        name="excerpts_to_confirm",
    ),
    path("teach/courses/<slug:code>/questions/export/", exchange.bank_export, name="bank_export"),
    path(
        "teach/courses/<slug:code>/students/<id:pk>/",
        instructor.student_attempts,
        name="student_attempts",
    ),
    path("teach/courses/<slug:code>/quizzes/<slug:slug>/", instructor.gradebook, name="gradebook"),
    path(
        "teach/courses/<slug:code>/quizzes/<slug:slug>/schedule/",
        courses.assignment,
        name="assignment",
    ),
    path(
        "teach/courses/<slug:code>/quizzes/<slug:slug>/schedule/<id:pk>/delete/",
        courses.override_delete,
        name="override_delete",
    ),
    path(
        "teach/courses/<slug:code>/quizzes/<slug:slug>/unassign/",
        courses.unassign,
        name="unassign",
    ),
    path(
        "teach/courses/<slug:code>/quizzes/<slug:slug>/analysis/",
        instructor.item_analysis,
        name="item_analysis",
    ),
    path(
        "teach/courses/<slug:code>/quizzes/<slug:slug>/heatmap/",
        instructor.text_heatmap,
        name="text_heatmap",
    ),
    path(
        "teach/courses/<slug:code>/quizzes/<slug:slug>/export/<str:kind>.csv",
        instructor.export_csv,
        name="export_csv",
    ),
]

instructor_urlpatterns = [
    # Before the quiz pages: "new" is not a quiz (QuizSettingsForm refuses it as a slug).
    path("teach/quizzes/new/", builder.quiz_new, name="quiz_new"),
    path(
        "teach/quizzes/<slug:slug>/analysis/",
        instructor.quiz_item_analysis,
        name="quiz_item_analysis",
    ),
    path(
        "teach/quizzes/<slug:slug>/heatmap/", instructor.quiz_text_heatmap, name="quiz_text_heatmap"
    ),
    path("teach/quizzes/<slug:slug>/regrade/", instructor.regrade_quiz, name="regrade_quiz"),
    path("teach/attempts/<id:pk>/", instructor.attempt_review, name="attempt_review"),
    # Authoring: the question bank and editor, quizzes and their builder.
    path("teach/questions/", questions.question_bank, name="question_bank"),
    path("teach/questions/new/", questions.question_new, name="question_new"),
    path("teach/questions/new/<str:kind>/", questions.question_create, name="question_create"),
    path("teach/questions/<id:pk>/", questions.question_edit, name="question_edit"),
    path("teach/text-picker/", questions.text_picker, name="text_picker"),
    path("teach/quizzes/<slug:slug>/settings/", builder.quiz_settings, name="quiz_settings"),
    path("teach/quizzes/<slug:slug>/duplicate/", builder.quiz_duplicate, name="quiz_duplicate"),
    path("teach/quizzes/<slug:slug>/build/", builder.quiz_builder, name="quiz_builder"),
    path("teach/quizzes/<slug:slug>/build/add/", builder.builder_add, name="builder_add"),
    path("teach/quizzes/<slug:slug>/build/order/", builder.builder_order, name="builder_order"),
    path("teach/quizzes/<slug:slug>/build/<str:slot>/", builder.builder_slot, name="builder_slot"),
    # Authoring: texts and the draft questions derived from them.
    path("teach/texts/", authoring.text_list, name="text_list"),
    path("teach/texts/add/", authoring.add_text, name="add_text"),
    path("teach/texts/<slug:slug>/", authoring.text_drafts, name="text_drafts"),
    path("teach/texts/<slug:slug>/restore/", authoring.restore_block, name="restore_block"),
    path(
        "teach/texts/<slug:slug>/select/",
        authoring.draft_from_selection,
        name="draft_from_selection",
    ),
    path("teach/texts/<slug:slug>/drafts/", authoring.review_queue, name="review_queue"),
    path("teach/texts/<slug:slug>/drafts/accept/", authoring.bulk_accept, name="bulk_accept"),
    path("teach/texts/<slug:slug>/drafts/<id:pk>/", authoring.draft_card, name="draft_card"),
    path("teach/texts/<slug:slug>/drafts/<id:pk>/edit/", authoring.draft_edit, name="draft_edit"),
    path(
        "teach/texts/<slug:slug>/drafts/<id:pk>/accept/",
        authoring.draft_accept,
        name="draft_accept",
    ),
    path(
        "teach/texts/<slug:slug>/drafts/<id:pk>/reject/",
        authoring.draft_reject,
        name="draft_reject",
    ),
]
urlpatterns += course_urlpatterns + instructor_urlpatterns
