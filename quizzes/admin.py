"""The instructors' admin: source texts, questions with their answer keys, quizzes, attempts.

Instructors are staff users in the Instructors group (migration 0002 gives it the permissions).
Authored text is always escaped: only format_html builds markup here.
"""

from django.contrib import admin, messages
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from quizzes import kinds, passages
from quizzes.admin_forms import QuestionAdminForm, SourceTextAdminForm
from quizzes.models import (
    Accommodation,
    Attempt,
    Question,
    Quiz,
    QuizQuestion,
    Response,
    SourceText,
    Tag,
)

admin.site.site_header = "Quizsite for instructors"
admin.site.site_title = "Quizsite admin"
admin.site.index_title = "Texts, questions and quizzes"


# Source texts and tags


@admin.register(SourceText)
class SourceTextAdmin(admin.ModelAdmin):
    # SourceText.clean refuses body edits that would move a question's excerpt; the model form
    # runs it and shows the message on the body field.
    form = SourceTextAdminForm
    list_display = ["title", "publisher", "published_on", "question_count", "updated_at"]
    search_fields = ["title", "body", "publisher", "page_title"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "body"]}),
        ("Attribution", {"fields": ["publisher", "page_title", "url", "published_on"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description="questions", ordering="question_total")
    def question_count(self, text: SourceText) -> int:
        return text.question_total


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


# Questions


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """Questions with the form of their kind: the add page asks for the kind first."""

    list_display = ["short_prompt", "kind", "status", "source_text", "default_points", "tag_list"]
    list_filter = ["source_text", "kind", "status", "tags"]
    search_fields = ["prompt", "explanation"]
    list_select_related = ["source_text"]
    autocomplete_fields = ["tags"]
    actions = ["publish", "retire"]
    add_form_template = "admin/quizzes/question/change_form.html"
    change_form_template = "admin/quizzes/question/change_form.html"

    class Media:
        js = ["quizzes/authoring.js"]
        css = {"all": ["quizzes/authoring.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def kind_for(self, request, obj=None) -> kinds.QuestionKind | None:
        """The question's kind, or on the add page the one chosen (?kind=), if any."""
        if obj is not None:
            return obj.kind_type
        name = request.GET.get("kind") or request.POST.get("kind") or ""
        return kinds.KINDS.get(name)

    def add_view(self, request, form_url="", extra_context=None):
        if self.kind_for(request) is None:
            return TemplateResponse(
                request,
                "admin/quizzes/question/choose_kind.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": "Add question: choose its kind",
                    "kinds": kinds.all_kinds(),
                },
            )
        return super().add_view(request, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kind = self.kind_for(request, obj)
        kwargs["form"] = QuestionAdminForm.for_kind(kind)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        kind = self.kind_for(request, obj)
        main = ["source_text", "prompt", "explanation", "default_points", "status", "tags"]
        excerpt = ["excerpt", "excerpt_in_paragraph"] if obj else ["excerpt"]
        fieldsets = [
            (f"{kind.label} question", {"fields": main, "description": kind.description}),
            ("Supporting excerpt", {"fields": [*excerpt, "selected_start", "selected_end"]}),
            ("Answer key", {"fields": list(kind.key_fields())}),
        ]
        if obj is not None and obj.bank_key:
            fieldsets.append(("Question bank", {"fields": ["bank_key"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["excerpt_in_paragraph", "bank_key"]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        kind = self.kind_for(request, obj)
        context["question_kind"] = kind
        form = context["adminform"].form
        context["key_problems"] = (
            form.key_problems if form.is_bound else (obj.key_problems() if obj else [])
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        obj.kind = form.kind.name
        super().save_model(request, obj, form, change)
        if form.key_problems:
            messages.warning(
                request,
                f"“{obj}” is kept as a draft until its answer key is complete: "
                + " ".join(form.key_problems),
            )

    @admin.display(description="prompt", ordering="prompt")
    def short_prompt(self, question: Question) -> str:
        return str(question)

    @admin.display(description="tags")
    def tag_list(self, question: Question) -> str:
        return ", ".join(tag.name for tag in question.tags.all())

    @admin.display(description="excerpt in its paragraph")
    def excerpt_in_paragraph(self, question: Question) -> str:
        context = passages.excerpt_in_context(
            question.source_text.body, question.excerpt_start, question.excerpt_end
        )
        if context is None:
            return "—"
        return format_html(
            '<blockquote class="excerpt">{}<mark class="excerpt-highlight">{}</mark>{}</blockquote>'
            "<p>Paragraph {} of the text.</p>",
            context.before,
            context.excerpt,
            context.after,
            context.paragraph.number,
        )

    @admin.action(description="Publish the selected questions", permissions=["change"])
    def publish(self, request, queryset):
        published, broken = 0, []
        for question in queryset:
            if question.key_problems():
                broken.append(question)
                continue
            if question.status != Question.Status.PUBLISHED:
                question.status = Question.Status.PUBLISHED
                question.save(update_fields=["status", "updated_at"])
            published += 1
        self.message_user(request, f"{published} question(s) published.", messages.SUCCESS)
        if broken:
            names = ", ".join(f"“{question}”" for question in broken)
            self.message_user(
                request,
                f"Not published, their answer keys are incomplete: {names}",
                messages.WARNING,
            )

    @admin.action(description="Retire the selected questions", permissions=["change"])
    def retire(self, request, queryset):
        # Retiring hides a question from new quizzes; answers already given keep their snapshot.
        count = queryset.update(status=Question.Status.RETIRED)
        self.message_user(request, f"{count} question(s) retired.", messages.SUCCESS)


# Quizzes


class QuizQuestionInline(admin.TabularInline):
    model = QuizQuestion
    fields = ["position", "question", "points"]
    autocomplete_fields = ["question"]
    ordering = ["position", "pk"]
    extra = 1
    verbose_name = "question"
    verbose_name_plural = "Questions (in the order of position; empty points = the question's)"


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "is_published",
        "question_count",
        "feedback",
        "time_limit_minutes",
        "opens_at",
        "closes_at",
        "preview_link",
    ]
    list_filter = ["is_published", "feedback", "source_text"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["owner", "preview_link"]
    inlines = [QuizQuestionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "description", "source_text", "owner"]}),
        ("Availability", {"fields": ["is_published", "opens_at", "closes_at", "preview_link"]}),
        (
            "Attempts",
            {
                "fields": [
                    "time_limit_minutes",
                    "overdue_handling",
                    "grace_period_minutes",
                    "attempts_allowed",
                    "grading_method",
                ]
            },
        ),
        ("Feedback and grading", {"fields": ["feedback", "pass_mark"]}),
        ("Presentation", {"fields": ["shuffle_questions", "shuffle_options", "text_during_quiz"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_total=Count("quiz_questions"))

    def save_model(self, request, obj, form, change):
        if not change and obj.owner_id is None:
            obj.owner = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        unpublished = form.instance.questions.exclude(status=Question.Status.PUBLISHED)
        if unpublished:
            names = ", ".join(f"“{question}”" for question in unpublished)
            self.message_user(
                request,
                f"Not every question of this quiz is published: {names}. Students would still "
                "meet them; publish them or take them out of the quiz.",
                messages.WARNING,
            )

    @admin.display(description="questions", ordering="question_total")
    def question_count(self, quiz: Quiz) -> int:
        return getattr(quiz, "question_total", None) or quiz.quiz_questions.count()

    @admin.display(description="preview")
    def preview_link(self, quiz: Quiz) -> str:
        if not quiz.pk:
            return "Save the quiz first."
        return format_html(
            '<a href="{}">Preview as student</a>',
            reverse("quizzes:quiz_detail", args=[quiz.slug]),
        )


# Attempts and responses: read-only, history is immutable


class ReadOnlyAdminMixin:
    """View permission only, for everyone: answers and marks change only through the site."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ResponseInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Response
    fields = ["position", "question", "answer", "marks", "points", "answered_at", "flagged"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "student",
        "quiz",
        "number",
        "state",
        "is_preview",
        "started_at",
        "submitted_at",
        "score",
        "max_score",
    ]
    list_filter = ["quiz", "state", "is_preview"]
    search_fields = ["student__username", "quiz__title"]
    list_select_related = ["student", "quiz"]
    date_hierarchy = "started_at"
    inlines = [ResponseInline]


@admin.register(Accommodation)
class AccommodationAdmin(admin.ModelAdmin):
    """Extra time for a student on every timed quiz, from their next attempt on."""

    list_display = ["student", "time_factor", "no_time_limit", "note", "updated_at"]
    search_fields = ["student__username", "note"]
    list_select_related = ["student"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["attempt", "position", "question", "marks", "points", "answered_at", "flagged"]
    list_filter = ["attempt__quiz", "attempt__state", "attempt__is_preview", "flagged"]
    search_fields = ["attempt__student__username", "question__prompt"]
    list_select_related = ["attempt__student", "attempt__quiz", "question"]
