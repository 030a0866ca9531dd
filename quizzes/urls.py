from django.urls import path

from quizzes.views import student

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
