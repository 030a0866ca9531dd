"""The teachers' admin: courses, texts, questions with their answer keys, quizzes, attempts.

Instructors are staff users in the Instructors group (migration 0002 gives it the permissions).
A user who is not a superuser sees and chooses only the objects of the courses they teach (the
attempts of those they teach or assist): every change list, filter and choice list is scoped
(CourseScoped). Authored text is always escaped: only format_html builds markup here.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from lti_tool.models import LtiUser

from quizzes import kinds, passages
from quizzes.admin_forms import QuestionAdminForm, SourceTextAdminForm
from quizzes.models import (
    Accommodation,
    Assignment,
    Attempt,
    Course,
    Membership,
    Question,
    Quiz,
    QuizQuestion,
    RandomDraw,
    Response,
    SourceText,
    StudentOverride,
    Tag,
)

admin.site.site_header = "Quizsite for instructors"
admin.site.site_title = "Quizsite admin"
admin.site.index_title = "Courses, texts, questions and quizzes"

# What each model's choices are scoped by: the path from it to its course.
COURSE_OF = {
    Course: "",
    SourceText: "course",
    Tag: "course",
    Question: "source_text__course",
    Quiz: "course",
    QuizQuestion: "quiz__course",
    RandomDraw: "quiz__course",
    Assignment: "course",
    Membership: "course",
    Accommodation: "course",
    StudentOverride: "assignment__course",
    Attempt: "course",
    Response: "attempt__course",
}


def of_courses(queryset, courses):
    path = COURSE_OF[queryset.model]
    return queryset.filter(**{f"{path}__in" if path else "pk__in": courses})


class CourseScoped:
    """A model admin that shows a teacher only their courses' objects, and offers only those
    (and those courses' members) in its forms' choices. Read-only models (attempts) are read by
    the courses' assistants too."""

    readable_by_assistants = False

    def courses(self, request):
        if self.readable_by_assistants:
            return Course.objects.staffed_by(request.user)
        return Course.objects.teaching(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return of_courses(queryset, self.courses(request)).distinct()

    def get_readonly_fields(self, request, obj=None):
        # Moving an object to another course would split it from its questions, quizzes and
        # attempts: the course is chosen once, when the object is added.
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and COURSE_OF.get(self.model) == "course":
            fields.append("course")
        return fields

    def scoped_choices(self, request, model, queryset):
        if request.user.is_superuser:
            return queryset
        if model in COURSE_OF:
            return of_courses(queryset, self.courses(request)).distinct()
        if model is get_user_model():
            members = Membership.objects.filter(course__in=self.courses(request))
            return queryset.filter(pk__in=members.values("user"))
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            field.queryset = self.scoped_choices(request, db_field.related_model, field.queryset)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None:
            field.queryset = self.scoped_choices(request, db_field.related_model, field.queryset)
        return field


def only_related(*names):
    """list_filter entries that offer only the objects the change list can show."""
    return [(name, admin.RelatedOnlyFieldListFilter) for name in names]


# Courses


class MembershipInline(CourseScoped, admin.TabularInline):
    model = Membership
    fields = ["user", "role", "joined_at", "removed_at"]
    extra = 0


@admin.register(Course)
class CourseAdmin(CourseScoped, admin.ModelAdmin):
    list_display = ["title", "code", "term", "is_archived", "join_enabled", "created_at"]
    list_filter = ["is_archived", "term"]
    search_fields = ["title", "code", "term"]
    readonly_fields = ["join_code", "created_by"]
    inlines = [MembershipInline]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and (
            request.user.is_superuser or request.user.has_perm("quizzes.add_course")
        )

    def save_model(self, request, obj, form, change):
        created = obj.pk is None
        if created:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if created and not request.user.is_superuser:
            Membership.objects.get_or_create(
                course=obj, user=request.user, defaults={"role": Membership.Role.TEACHER}
            )


@admin.register(Assignment)
class AssignmentAdmin(CourseScoped, admin.ModelAdmin):
    list_display = ["quiz", "course", "opens_at", "closes_at", "time_limit_minutes"]
    list_display += ["attempts_allowed"]
    list_filter = only_related("course", "quiz")
    list_select_related = ["quiz", "course"]


@admin.register(StudentOverride)
class StudentOverrideAdmin(CourseScoped, admin.ModelAdmin):
    list_display = ["student", "assignment", "opens_at", "closes_at", "time_limit_minutes"]
    list_display += ["attempts_allowed", "note"]
    list_select_related = ["student", "assignment__quiz", "assignment__course"]
    search_fields = ["student__username", "note"]


# Source texts and tags


@admin.register(SourceText)
class SourceTextAdmin(CourseScoped, admin.ModelAdmin):
    # SourceText.clean refuses body edits that would move a question's excerpt; the model form
    # runs it and shows the message on the body field.
    form = SourceTextAdminForm
    list_display = ["title", "course", "publisher", "published_on", "question_count"]
    list_display += ["updated_at"]
    list_filter = only_related("course")
    list_select_related = ["course"]
    search_fields = ["title", "body", "publisher", "page_title"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["course", "title", "slug", "body"]}),
        ("Attribution", {"fields": ["publisher", "page_title", "url", "published_on"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description="questions", ordering="question_total")
    def question_count(self, text: SourceText) -> int:
        return text.question_total


@admin.register(Tag)
class TagAdmin(CourseScoped, admin.ModelAdmin):
    list_display = ["name", "course"]
    list_filter = only_related("course")
    search_fields = ["name"]


# Questions


@admin.register(Question)
class QuestionAdmin(CourseScoped, admin.ModelAdmin):
    """Questions with the form of their kind: the add page asks for the kind first."""

    list_display = ["short_prompt", "kind", "status", "source_text", "default_points", "tag_list"]
    list_filter = [*only_related("source_text"), "kind", "status", *only_related("tags")]
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


class QuizQuestionInline(CourseScoped, admin.TabularInline):
    model = QuizQuestion
    fields = ["position", "question", "points"]
    autocomplete_fields = ["question"]
    ordering = ["position", "pk"]
    extra = 1
    verbose_name = "question"
    verbose_name_plural = "Questions (in the order of position; empty points = the question's)"


@admin.register(Quiz)
class QuizAdmin(CourseScoped, admin.ModelAdmin):
    list_display = [
        "title",
        "course",
        "is_published",
        "question_count",
        "feedback",
        "time_limit_minutes",
        "opens_at",
        "closes_at",
        "preview_link",
    ]
    list_filter = ["is_published", "feedback", *only_related("course", "source_text")]
    list_select_related = ["course"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["owner", "preview_link"]
    inlines = [QuizQuestionInline]
    fieldsets = [
        (None, {"fields": ["course", "title", "slug", "description", "source_text", "owner"]}),
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
        if not change:
            Assignment.objects.get_or_create(quiz=obj, course=obj.course)

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


class ResponseInline(ReadOnlyAdminMixin, CourseScoped, admin.TabularInline):
    readable_by_assistants = True
    model = Response
    fields = ["position", "question", "answer", "marks", "points", "answered_at", "flagged"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdminMixin, CourseScoped, admin.ModelAdmin):
    readable_by_assistants = True
    list_display = [
        "student",
        "quiz",
        "course",
        "number",
        "state",
        "is_preview",
        "started_at",
        "submitted_at",
        "score",
        "max_score",
    ]
    list_filter = [*only_related("course", "quiz"), "state", "is_preview"]
    search_fields = ["student__username", "quiz__title"]
    list_select_related = ["student", "quiz", "course"]
    date_hierarchy = "started_at"
    inlines = [ResponseInline]


@admin.register(Accommodation)
class AccommodationAdmin(CourseScoped, admin.ModelAdmin):
    """Extra time for a student on every timed quiz of a course, from their next attempt on."""

    list_display = ["student", "course", "time_factor", "no_time_limit", "note", "updated_at"]
    list_filter = only_related("course")
    search_fields = ["student__username", "note"]
    list_select_related = ["student", "course"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdminMixin, CourseScoped, admin.ModelAdmin):
    readable_by_assistants = True
    list_display = ["attempt", "position", "question", "marks", "points", "answered_at", "flagged"]
    list_filter = [
        *only_related("attempt__quiz"),
        "attempt__state",
        "attempt__is_preview",
        "flagged",
    ]
    search_fields = ["attempt__student__username", "question__prompt"]
    list_select_related = ["attempt__student", "attempt__quiz", "question"]


@admin.register(LtiUser)
class LtiUserAdmin(admin.ModelAdmin):
    """People as learning platforms know them. One person launched from two platforms is two
    identities, each with its own account, until an administrator points the second one's
    account at the first (the identities are never joined by e-mail: a platform vouches for its
    own users only)."""

    list_display = ["sub", "name", "email", "registration", "auth_user"]
    list_filter = ["registration"]
    search_fields = ["sub", "name", "email", "auth_user__username"]
    raw_id_fields = ["auth_user"]
    fields = ["registration", "sub", "name", "given_name", "family_name", "email", "auth_user"]
    readonly_fields = ["registration", "sub", "name", "given_name", "family_name", "email"]

    def has_add_permission(self, request) -> bool:
        return False
