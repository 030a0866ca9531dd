"""A question bank file uploaded for import, kept from its preview to its confirmation."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from quizzes.models.courses import Course
from quizzes.models.texts import SourceText


class QuestionImport(models.Model):
    """The file a teacher uploaded, in the database rather than a form field or one process's
    memory, so that the preview and the confirmation may reach different servers. Deleted once
    imported; stale ones after a day (`clear_stale`)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    source_text = models.ForeignKey(SourceText, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=20)
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.filename} into {self.source_text}"

    @classmethod
    def clear_stale(cls) -> None:
        cls.objects.filter(uploaded_at__lt=timezone.now() - timedelta(days=1)).delete()
