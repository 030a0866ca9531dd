from django.urls import path

from quizzes.views import instructor, student

app_name = "quizzes"

urlpatterns = [
    path("", student.quiz_list, name="quiz_list"),
    path("quizzes/<slug:slug>/", student.quiz_detail, name="quiz_detail"),
    path("quizzes/<slug:slug>/start/", student.start_quiz, name="start_quiz"),
    path(
        "attempts/<int:pk>/questions/<int:position>/",
        student.attempt_question,
        name="attempt_question",
    ),
    path(
        "attempts/<int:pk>/questions/<int:position>/flag/",
        student.toggle_flag,
        name="toggle_flag",
    ),
    path("attempts/<int:pk>/finish/", student.finish_attempt, name="finish_attempt"),
    path("attempts/<int:pk>/", student.attempt_result, name="attempt_result"),
    path("texts/<slug:slug>/", student.source_text_detail, name="source_text_detail"),
    path("scores/", student.my_scores, name="my_scores"),
]

# Instructor reports (/teach/…); the views check the instructor permission themselves.
instructor_urlpatterns = [
    path("teach/", instructor.course_overview, name="course_overview"),
    path("teach/quizzes/<slug:slug>/", instructor.gradebook, name="gradebook"),
    path("teach/quizzes/<slug:slug>/analysis/", instructor.item_analysis, name="item_analysis"),
    path("teach/quizzes/<slug:slug>/heatmap/", instructor.text_heatmap, name="text_heatmap"),
    path("teach/quizzes/<slug:slug>/regrade/", instructor.regrade_quiz, name="regrade_quiz"),
    path(
        "teach/quizzes/<slug:slug>/export/<str:kind>.csv",
        instructor.export_csv,
        name="export_csv",
    ),
    path("teach/students/<int:pk>/", instructor.student_attempts, name="student_attempts"),
    path("teach/attempts/<int:pk>/", instructor.attempt_review, name="attempt_review"),
]
urlpatterns += instructor_urlpatterns
