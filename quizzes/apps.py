from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"

    def ready(self) -> None:
        from quizzes import signals
        from quizzes.lti import scores

        signals.grade_changed.connect(scores.on_grade_changed, dispatch_uid="lti-grade-passback")
