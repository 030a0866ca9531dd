"""Source texts, the passages questions come from, and tags."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from quizzes import passages
from quizzes.models.courses import Course


class SourceTextQuerySet(models.QuerySet):
    def readable_by(self, user):
        """Texts a user may read: those of the published quizzes given to their courses (the
        quiz's text, its questions' and its draws' texts), those of questions they have answered,
        and every text of the courses they teach or assist. A text in no quiz (an instructor's
        upload, a draft) is for its course's staff only."""
        from quizzes.models.attempts import Response
        from quizzes.models.courses import Assignment
        from quizzes.models.questions import Question
        from quizzes.models.quizzes import Quiz, RandomDraw

        given = Assignment.objects.for_student(user).values("quiz_id")
        return self.filter(
            models.Q(pk__in=Quiz.objects.filter(pk__in=given).values("source_text_id"))
            | models.Q(
                pk__in=Question.objects.filter(quiz_slots__quiz__in=given).values("source_text_id")
            )
            | models.Q(pk__in=RandomDraw.objects.filter(quiz__in=given).values("source_text_id"))
            | models.Q(
                pk__in=Response.objects.filter(attempt__student=user).values(
                    "question__source_text_id"
                )
            )
            | models.Q(course__in=Course.objects.staffed_by(user).values("pk"))
        )


class SourceText(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="texts")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    body = models.TextField(help_text="The text exactly as students read it.")
    publisher = models.CharField(max_length=200, blank=True)
    page_title = models.CharField(max_length=300, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SourceTextQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:source_text_detail", args=[self.slug])

    def paragraphs(self) -> list[passages.Paragraph]:
        return passages.paragraphs(self.body)

    def clean(self) -> None:
        if self.pk:
            self.check_excerpts_survive_edit()

    def check_excerpts_survive_edit(self) -> None:
        """Refuse a body edit that would move or cut a question's excerpt."""
        stored_body = SourceText.objects.filter(pk=self.pk).values_list("body", flat=True).first()
        if stored_body is None or stored_body == self.body:
            return
        broken = [
            question
            for question in self.questions.only("pk", "excerpt_start", "excerpt_end", "prompt")
            if self.body[question.excerpt_start : question.excerpt_end]
            != stored_body[question.excerpt_start : question.excerpt_end]
        ]
        if broken:
            names = ", ".join(f"#{question.pk}" for question in broken[:10])
            raise ValidationError(
                {
                    "body": f"This edit moves the excerpts of {len(broken)} question(s) "
                    f"({names}). Edit text after the last excerpt, or move the questions first."
                }
            )


class Tag(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["course", "name"], name="tag_name_once_per_course"),
        ]

    def __str__(self) -> str:
        return self.name
