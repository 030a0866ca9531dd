"""Forms of the authoring pages: texts, questions of each kind, and reviewing drafts."""

from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.text import slugify

from quizzes import drafting, exchange, kinds, passages, review_options
from quizzes.models import Course, Question, QuestionDraft, Quiz, RandomDraw, SourceText, Tag
from quizzes.models.review_fields import store_options
from quizzes.question_generator import boilerplate_blocks

# Adding a text


class AddTextForm(forms.ModelForm):
    """A text pasted or uploaded (.txt or .md, UTF-8, up to 2 MB) with its attribution."""

    body = forms.CharField(
        label="Paste the text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Plain text or Markdown. Page clutter (menus, 'last modified' lines) is skipped.",
    )
    upload = forms.FileField(
        label="…or upload a file",
        required=False,
        help_text="A .txt or .md file in UTF-8, up to 2 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,.markdown,text/plain"}),
    )
    slug = forms.SlugField(
        max_length=80, required=False, help_text="The text's address; empty: made from the title."
    )

    class Meta:
        model = SourceText
        fields = ["course", "title", "slug", "publisher", "page_title", "url", "published_on"]
        widgets = {"published_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"course": "Its teachers can derive, write and use questions on it."}

    def __init__(self, *args: Any, courses: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.fields["course"].empty_label = None

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        if PurePath(upload.name).suffix.lower() not in drafting.TEXT_EXTENSIONS:
            raise forms.ValidationError(
                "Upload a plain-text (.txt) or Markdown (.md) file; PDF and Word files "
                "cannot be read."
            )
        if upload.size > drafting.MAX_TEXT_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is 2 MB. "
                "Split the text into parts."
            )
        try:
            return drafting.decode_text(upload.read(), name="The file")
        except drafting.BadText as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        cleaned = super().clean()
        pasted, uploaded = cleaned.get("body") or "", cleaned.get("upload")
        if "upload" in self.errors:
            return cleaned
        if pasted.strip() and uploaded:
            raise forms.ValidationError("Paste the text or upload a file, not both.")
        if not pasted.strip() and not uploaded:
            self.add_error("body", "Paste the text or upload a file.")
            return cleaned
        if pasted.strip():
            if len(pasted.encode()) > drafting.MAX_TEXT_BYTES:
                self.add_error("body", "The text is over 2 MB; split it into parts.")
                return cleaned
            try:
                drafting.check_text(pasted, name="The pasted text")
            except drafting.BadText as error:
                self.add_error("body", str(error))
                return cleaned
        body = drafting.normalise_newlines(uploaded or pasted)
        self.instance.body = body
        if not cleaned.get("slug") and cleaned.get("title"):
            cleaned["slug"] = slugify(cleaned["title"])[:80] or "text"
        return cleaned


# Reviewing drafts


class DraftEditForm(forms.Form):
    """A draft's prompt, explanation and answer key: the key's quick fields come from its kind."""

    prompt = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    explanation = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown to students after answering.",
    )

    def __init__(self, *args: Any, draft: QuestionDraft, **kwargs: Any):
        self.draft = draft
        self.kind = kinds.get(draft.kind)
        data = draft.data
        kwargs.setdefault(
            "initial",
            {
                "prompt": draft.prompt,
                "explanation": data.get("explanation", ""),
                **self.kind.draft_initial(data),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields.update(self.kind.draft_fields())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, message in self.kind.check_draft(cleaned).items():
            self.add_error(name, message)
        return cleaned

    def key(self) -> dict[str, Any]:
        """The draft's JSON key fields from the cleaned data."""
        return self.kind.draft_key(self.cleaned_data)


class AcceptForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Question.Status.PUBLISHED, "Published"),
            (Question.Status.DRAFT, "Draft (not yet usable in quizzes' attempts)"),
        ],
        initial=Question.Status.PUBLISHED,
        required=False,
    )
    quiz = forms.ModelChoiceField(
        queryset=Quiz.objects.none(),
        required=False,
        empty_label="(no quiz)",
        label="and add to",
        to_field_name="slug",
    )

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        # The quizzes of the text's course: a question joins quizzes of its own course.
        self.fields["quiz"].queryset = course.quizzes.order_by("title")

    def clean_status(self):
        return self.cleaned_data["status"] or Question.Status.PUBLISHED


class RejectForm(forms.Form):
    """No fields: the POST itself is the decision (a form keeps CSRF and method checks uniform)."""


class BulkAcceptForm(AcceptForm):
    drafts = forms.ModelMultipleChoiceField(
        queryset=QuestionDraft.objects.none(),
        error_messages={"required": "Select the drafts to accept."},
    )

    def __init__(self, *args, text: SourceText, **kwargs):
        super().__init__(*args, course=text.course, **kwargs)
        self.fields["drafts"].queryset = text.drafts.pending()


class RestoreForm(forms.Form):
    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, text: SourceText, **kwargs):
        self.text = text
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        span = (cleaned.get("start"), cleaned.get("end"))
        if span not in boilerplate_blocks(self.text.body):
            raise forms.ValidationError("That line is not one the generator skipped.")
        return cleaned


class SelectionForm(forms.Form):
    """Words of a text to make a draft of: offsets from the page's selection (JavaScript), or
    the words typed, found in the text (without JavaScript)."""

    KINDS = [
        ("blank", "A blank to fill in"),
        ("choice", "A choice, with other words of the text"),
        ("true_false", "True or false, with a fact changed"),
    ]

    start = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    phrase = forms.CharField(
        label="Words to ask about",
        max_length=200,
        help_text="Select them in the text, or type them.",
    )
    kind = forms.ChoiceField(label="Make", choices=KINDS, initial="blank")

    def __init__(self, *args, text: SourceText, **kwargs):
        self.text = text
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end, phrase = cleaned.get("start"), cleaned.get("end"), cleaned.get("phrase", "")
        body = self.text.body
        offsets_given = start is not None and end is not None and end <= len(body)
        if offsets_given and " ".join(body[start:end].split()) == " ".join(phrase.split()):
            return cleaned  # the selection: these very words, wherever else they occur
        found = body.find(phrase) if phrase else -1
        if found < 0 and phrase:
            found = body.casefold().find(phrase.casefold())
        if found < 0:
            raise forms.ValidationError("Those words are not in the text.")
        cleaned["start"], cleaned["end"] = found, found + len(phrase)
        return cleaned


class DraftFilterForm(forms.Form):
    STATUS_CHOICES = [*QuestionDraft.Status.choices, ("all", "All")]

    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    kind = forms.ChoiceField(required=False)
    rule = forms.ChoiceField(required=False)
    order = forms.ChoiceField(
        choices=[("best", "Likeliest to keep first"), ("text", "In the text's order")],
        required=False,
    )

    def __init__(self, *args, rules: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any kind"), *kinds.choices()]
        self.fields["rule"].choices = [("", "Any rule"), *[(rule, rule) for rule in rules]]

    def filter(self, drafts):
        """The drafts matching the filters; pending ones when no status is given."""
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or QuestionDraft.Status.PENDING
        if status != "all":
            drafts = drafts.filter(status=status)
        if data.get("kind"):
            drafts = drafts.filter(kind=data["kind"])
        if data.get("rule"):
            drafts = drafts.filter(rule=data["rule"])
        return drafts


# Questions


class QuestionForm(forms.ModelForm):
    """A question of one kind: its text, prompt, excerpt, points and status, and its kind's key.

    Made for a kind with `QuestionForm.for_kind(kind)`, which adds the kind's key fields
    (quizzes/kinds/). The excerpt is pasted, or selected in the text (then its offsets come with
    it, so a phrase the text repeats is still found); it is stored as offsets. A key that cannot be
    graded yet is kept on a draft, with the reason; publishing needs a complete key.
    """

    kind: kinds.QuestionKind

    excerpt = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "The passage of the text that supports this question, exactly as it appears there: "
            "select it in the text, or paste it (it must then occur once in the text)."
        ),
    )
    # Where the excerpt was selected in the text (by the editor's script), if it was.
    selected_start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    selected_end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    class Meta:
        model = Question
        fields = ["source_text", "prompt", "explanation", "default_points", "status", "tags"]
        widgets = {
            "prompt": forms.Textarea(attrs={"rows": 3}),
            "explanation": forms.Textarea(attrs={"rows": 3}),
        }

    @classmethod
    def for_kind(cls, kind: kinds.QuestionKind) -> type["QuestionForm"]:
        attrs: dict[str, Any] = {"kind": kind, **kind.key_fields()}
        return type(f"{cls.__name__}For{kind.name.title().replace('_', '')}", (cls,), attrs)

    def __init__(self, *args: Any, courses: Any = None, **kwargs: Any):
        """`courses`: those whose texts (and tags) may be chosen."""
        super().__init__(*args, **kwargs)
        self.old_key = dict(self.instance.key or {}) if self.instance.pk else {}
        self.instance.kind = self.kind.name
        if self.instance.pk and self.instance.excerpt_end:
            self.initial.setdefault("excerpt", self.instance.excerpt)
            self.initial.setdefault("selected_start", self.instance.excerpt_start)
            self.initial.setdefault("selected_end", self.instance.excerpt_end)
        for name, value in self.kind.key_initial(self.old_key or self.kind.empty_key()).items():
            self.initial.setdefault(name, value)
        self.key_field_names = list(self.kind.key_fields())
        self.key_problems: list[str] = []
        # The choices need titles, not bodies (up to 2 MB each); the chosen one's is read later.
        # (Without courses, the field's own choices stand: the admin scopes them.)
        texts = self.fields["source_text"].queryset.only("pk", "title", "slug", "course_id")
        if courses is not None:
            texts = texts.filter(course__in=courses)
        self.fields["source_text"].queryset = texts
        if "tags" in self.fields and courses is not None:
            self.fields["tags"].queryset = Tag.objects.filter(course__in=courses)

    def key_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.key_field_names]

    def other_fields(self) -> list[forms.BoundField]:
        return [field for field in self if field.name not in self.key_field_names]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        source_text = cleaned.get("source_text") or (
            self.instance.source_text if self.instance.source_text_id else None
        )
        tags = cleaned.get("tags") or []
        if source_text is not None and any(tag.course_id != source_text.course_id for tag in tags):
            self.add_error("tags", "Choose tags of the text's course.")
        excerpt = cleaned.get("excerpt")
        # Forget the old offsets first, so the model never checks a stale span against a new text.
        self.instance.excerpt_start = self.instance.excerpt_end = None
        if source_text is not None and excerpt:
            span = self.excerpt_span(
                source_text.body, drafting.normalise_newlines(excerpt), cleaned
            )
            if span:
                self.instance.excerpt_start, self.instance.excerpt_end = span
                # Saved by a teacher who saw it: an imported question's excerpt is confirmed.
                self.instance.excerpt_to_confirm = False
        if not any(name in self.errors for name in self.key_field_names):
            self.instance.key = self.kind.key_from_form(cleaned, self.old_key)
            self.key_problems = self.kind.key_problems(self.instance.key)
            if self.key_problems and cleaned.get("status") == Question.Status.PUBLISHED:
                self.add_error(
                    "status",
                    "It cannot be published until its answer key is complete: "
                    + " ".join(self.key_problems)
                    + " Complete the key, or save it as a draft.",
                )
        return cleaned

    def excerpt_span(
        self, body: str, excerpt: str, cleaned: dict[str, Any]
    ) -> tuple[int, int] | None:
        start, end = cleaned.get("selected_start"), cleaned.get("selected_end")
        # A selection is read by the browser, which may fold its line breaks: the offsets stand
        # when they mark the same words.
        if (
            start is not None
            and end is not None
            and start < end <= len(body)
            and body[start:end].split() == excerpt.split()
        ):
            cleaned["excerpt"] = body[start:end]
            return start, end
        try:
            return passages.locate_excerpt(body, excerpt)
        except passages.ExcerptError as error:
            self.add_error("excerpt", str(error))
            return None

    @property
    def key_changed(self) -> bool:
        """Whether saving changes what the key says (answers already given may need a regrade)."""
        return bool(self.old_key) and not self.kind.same_key(self.old_key, self.instance.key)


class QuestionEditorForm(QuestionForm):
    """The question editor's form under /teach/: tags typed as words, the text's picker."""

    tag_names = forms.CharField(
        label="Tags",
        required=False,
        max_length=500,
        help_text="Separated by commas, e.g. dates, people. New tags are made as needed.",
    )

    class Meta(QuestionForm.Meta):
        fields = ["source_text", "prompt", "explanation", "default_points", "status"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            names = [tag.name for tag in self.instance.tags.all()]
            self.initial.setdefault("tag_names", ", ".join(names))
        # Choosing the text shows it beside the form, to select the excerpt in.
        self.fields["source_text"].widget.attrs.update(
            {
                "hx-get": reverse("quizzes:text_picker"),
                "hx-target": "#text-picker",
                "hx-swap": "outerHTML",
            }
        )

    def clean_tag_names(self) -> list[str]:
        names: dict[str, str] = {}
        for name in self.cleaned_data["tag_names"].split(","):
            name = " ".join(name.split())
            if len(name) > 50:
                raise forms.ValidationError(f"“{name[:20]}…”: a tag has at most 50 characters.")
            if name:
                names.setdefault(name.casefold(), name)
        return list(names.values())

    def save(self, commit: bool = True) -> Question:
        question = super().save(commit=commit)
        if commit:
            course = question.source_text.course
            question.tags.set([tag_named(name, course) for name in self.cleaned_data["tag_names"]])
        return question


def tag_named(name: str, course: Course) -> Tag:
    """The course's tag of this name whatever its case ("Dates" is "dates"), made if there is
    none."""
    found = Tag.objects.filter(course=course, name__iexact=name).first()
    return found or Tag.objects.create(course=course, name=name)


class QuestionFilterForm(forms.Form):
    """Search and filter the question bank (a GET form: it works without JavaScript)."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    course = forms.ModelChoiceField(
        queryset=Course.objects.none(),
        required=False,
        empty_label="All my courses",
        to_field_name="code",
    )
    text = forms.ModelChoiceField(
        queryset=SourceText.objects.none(),
        required=False,
        empty_label="Any text",
        to_field_name="slug",
    )
    paragraph = forms.IntegerField(
        label="Paragraph", required=False, min_value=1, max_value=100_000, help_text="Of the text."
    )
    kind = forms.ChoiceField(required=False)
    tag = forms.ModelChoiceField(
        queryset=Tag.objects.none(), required=False, empty_label="Any tag", to_field_name="pk"
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Question.Status.choices]
    )

    def __init__(self, *args: Any, courses: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any kind"), *kinds.choices()]
        self.fields["course"].queryset = courses
        # Not the bodies (up to 2 MB each): a choice needs the title and slug.
        self.fields["text"].queryset = (
            SourceText.objects.filter(course__in=courses)
            .only("pk", "title", "slug")
            .order_by("title")
        )
        self.fields["tag"].queryset = Tag.objects.filter(course__in=courses).select_related(
            "course"
        )
        if len(self.fields["course"].queryset) > 1:
            self.fields["tag"].label_from_instance = lambda tag: f"{tag.name} ({tag.course.code})"

    def filter(self, questions: Any) -> Any:
        """The questions matching the filters (all of them when the form is empty or invalid)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("course"):
            questions = questions.filter(source_text__course=data["course"])
        if data.get("q"):
            questions = questions.filter(prompt__icontains=data["q"])
        if data.get("text"):
            text = data["text"]
            questions = questions.filter(source_text=text)
            number = data.get("paragraph")
            if number:
                paragraphs = text.paragraphs()
                if number > len(paragraphs):
                    return questions.none()
                paragraph = paragraphs[number - 1]
                questions = questions.filter(
                    excerpt_start__gte=paragraph.start, excerpt_end__lte=paragraph.end
                )
        if data.get("kind"):
            questions = questions.filter(kind=data["kind"])
        if data.get("tag"):
            questions = questions.filter(tags=data["tag"])
        if data.get("status"):
            questions = questions.filter(status=data["status"])
        return questions


# Quizzes


# The review options: a preset, or the matrix of items by moments.

AUTOMATIC = "auto"
AS_THE_QUIZ = "quiz"


def _moment_choices() -> list[tuple[str, str]]:
    return [(str(int(moment)), label) for moment, label in review_options.MOMENT_LABELS.items()]


PRESET_CHOICES = [
    (
        "practice",
        "Practice: marks, right or wrong, the correct answers, explanations and passages, as "
        "soon as there are any",
    ),
    (
        "test",
        "Test: marks after submitting; what was right, the correct answers, explanations and "
        "passages only after the quiz closes (or the last attempt)",
    ),
    ("custom", "Custom: as set in the table below"),
]


class ReviewOptionsMixin:
    """Adds "what students see, and when" to a form: a preset (practice, test) or a custom
    matrix, one row of moments per item (quizzes/review_options.py)."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_review_fields(
        self, current: review_options.ReviewOptions | None, *, extra: list[tuple[str, str]]
    ) -> None:
        """`current`: the stored options (None: none of its own); `extra`: presets offered
        before practice and test, the first one chosen when there are no options yet."""
        self.fields["review_preset"] = forms.ChoiceField(
            label="What students see of their answers, and when",
            required=False,
            widget=forms.RadioSelect,
            choices=[*extra, *PRESET_CHOICES],
            initial=extra[0][0] if current is None else review_options.preset_of(current),
        )
        shown = current or review_options.PRACTICE
        for item, label in review_options.ITEM_LABELS.items():
            self.fields[f"review_{item}_moments"] = forms.MultipleChoiceField(
                label=label,
                required=False,
                choices=_moment_choices(),
                widget=forms.CheckboxSelectMultiple,
                initial=[
                    str(int(moment))
                    for moment in review_options.Moment
                    if getattr(shown, item) & moment
                ],
            )

    def review_rows(self) -> list:
        """The matrix as the template draws it: per item, its bound field of moments."""
        form: Any = self
        return [form[f"review_{item}_moments"] for item in review_options.ITEM_LABELS]

    def chosen_review(self, preset: str, *, automatic=None):
        """The options chosen: a preset's, the table's (custom), `automatic` for "auto", or
        None for "as the quiz"."""
        if preset == AS_THE_QUIZ:
            return None
        if preset == AUTOMATIC:
            return automatic
        if preset in review_options.PRESETS:
            return review_options.PRESETS[preset]
        return review_options.ReviewOptions(
            **{
                item: sum(
                    int(value) for value in self.cleaned_data.get(f"review_{item}_moments", [])
                )
                for item in review_options.ITEM_LABELS
            }
        )


class QuizSettingsForm(ReviewOptionsMixin, forms.ModelForm):
    """A quiz's settings: what it is, when it is open, how it is timed, graded and shown, and
    what its students see of their answers, when."""

    slug = forms.SlugField(
        max_length=80, required=False, help_text="The quiz's address; empty: made from the title."
    )

    class Meta:
        model = Quiz
        fields = [
            "title",
            "slug",
            "description",
            "source_text",
            "is_published",
            "opens_at",
            "closes_at",
            "time_limit_minutes",
            "overdue_handling",
            "grace_period_minutes",
            "attempts_allowed",
            "grading_method",
            "feedback",
            "pass_mark",
            "shuffle_questions",
            "shuffle_options",
            "text_during_quiz",
            "is_secure",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        help_texts = {
            "source_text": "The text students may read during the quiz (if allowed below).",
            "is_published": "Students see a published quiz while it is open.",
        }

    def __init__(self, *args: Any, courses: Any, **kwargs: Any):
        """`courses`: those the teacher teaches. A new quiz is made in one of them; a quiz's
        text is one of its course's."""
        super().__init__(*args, **kwargs)
        texts = SourceText.objects.only("pk", "title", "slug", "course_id")
        if self.instance.pk:
            texts = texts.filter(course=self.instance.course_id)
        else:
            self.fields["course"] = forms.ModelChoiceField(
                queryset=courses,
                empty_label=None,
                help_text="Its teachers edit it; you can give it to other courses later.",
            )
            self.order_fields(["course"])
            texts = texts.filter(course__in=courses)
        self.fields["source_text"].queryset = texts
        if self.instance.pk:
            self.add_review_fields(self.instance.review, extra=[])
        else:
            automatic = (
                AUTOMATIC,
                "Automatic: a test if it is timed or marked as a test, else practice",
            )
            self.add_review_fields(None, extra=[automatic])

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        if slug == "new":
            raise forms.ValidationError("“new” is taken by the page that makes a new quiz.")
        return slug

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("slug") and cleaned.get("title") and "slug" not in self.errors:
            base = slugify(cleaned["title"])[:70] or "quiz"
            base = "new-quiz" if base == "new" else base
            slug, number = base, 2
            while Quiz.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
                slug, number = f"{base}-{number}", number + 1
            cleaned["slug"] = slug
            self.instance.slug = slug
        course = cleaned.get("course") or (self.instance.course if self.instance.pk else None)
        text = cleaned.get("source_text")
        if text is not None and course is not None and text.course_id != course.pk:
            self.add_error("source_text", "Choose a text of the quiz's course.")
        if not self.instance.pk and course is not None:
            self.instance.course = course
        is_test = bool(cleaned.get("time_limit_minutes") or cleaned.get("is_secure"))
        automatic = review_options.TEST if is_test else review_options.PRACTICE
        # Not sent (an older form, a script): new quizzes choose automatically, others keep theirs.
        preset = cleaned.get("review_preset") or ("" if self.instance.pk else AUTOMATIC)
        if preset:
            store_options(self.instance, self.chosen_review(preset, automatic=automatic))
        return cleaned


class AddQuestionForm(forms.Form):
    """A question of the bank to add to a quiz (at its end)."""

    question = forms.ModelChoiceField(
        queryset=Question.objects.none(),
        error_messages={"invalid_choice": "That question is not in the bank (or is retired)."},
    )

    def __init__(self, *args: Any, quiz: Quiz, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = Question.objects.filter(
            source_text__course=quiz.course_id
        ).exclude(status=Question.Status.RETIRED)


class RandomDrawForm(forms.ModelForm):
    """N questions drawn at random per attempt, from a tag or a text (or a paragraph of it)."""

    def __init__(self, *args: Any, quiz: Quiz, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.instance.quiz = quiz
        self.fields["source_text"].queryset = SourceText.objects.filter(course=quiz.course_id).only(
            "pk", "title", "slug"
        )
        self.fields["tag"].queryset = Tag.objects.filter(course=quiz.course_id)

    class Meta:
        model = RandomDraw
        fields = ["count", "tag", "source_text", "paragraph", "points"]
        labels = {"source_text": "Text", "tag": "Tag"}


class SlotForm(forms.Form):
    """What to do with one slot of a quiz: move it, remove it, or set its marks."""

    action = forms.ChoiceField(
        choices=[
            ("up", "Move up"),
            ("down", "Move down"),
            ("remove", "Remove"),
            ("points", "Marks"),
        ]
    )
    points = forms.DecimalField(
        required=False, min_value=Decimal("0.01"), max_digits=6, decimal_places=2, label="Marks"
    )


class SlotOrderForm(forms.Form):
    """Every slot of a quiz in its new order (the builder's drag and drop)."""

    order = forms.CharField(max_length=10_000)

    def __init__(self, *args: Any, slots: list[str], **kwargs: Any):
        self.slots = slots
        super().__init__(*args, **kwargs)

    def clean_order(self) -> list[str]:
        order = [item.strip() for item in self.cleaned_data["order"].split(",") if item.strip()]
        if sorted(order) != sorted(self.slots) or len(set(order)) != len(order):
            raise forms.ValidationError(
                "The quiz changed while you were ordering it: reload the page and try again."
            )
        return order


# Question banks from and to other tools (quizzes/exchange/)

BANK_MAX_BYTES = 10 * 1024 * 1024


class BankUploadForm(forms.Form):
    """A bank file to import onto one of the course's texts, in a format named or guessed."""

    source_text = forms.ModelChoiceField(
        queryset=SourceText.objects.none(),
        label="Onto the text",
        empty_label=None,
        help_text="Each question gets its passage in this text (the sentence that matches it "
        "best, for you to confirm, unless it came from here).",
    )
    format = forms.ChoiceField(
        required=False, help_text="Empty: from the file's name (.gift.txt, .xml, .csv, .xlsx)."
    )
    file = forms.FileField(label="The file")

    def __init__(self, *args: Any, course: Course, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["source_text"].queryset = SourceText.objects.filter(course=course).only(
            "pk", "title", "slug", "course_id"
        )
        self.fields["format"].choices = [
            ("", "From the file's name"),
            *((name, item.label) for name, item in exchange.FORMATS.items()),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size > BANK_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.0f} MB: at most "
                f"{BANK_MAX_BYTES // 1024 // 1024} MB can be imported at once."
            )
        name = cleaned.get("format") or exchange.format_for(upload.name)
        if name is None:
            raise forms.ValidationError(
                "Choose the file's format: its name does not say (.gift.txt, .aiken.txt, .xml, "
                ".csv, .xlsx)."
            )
        cleaned["format"] = name
        return cleaned


class BankExportForm(forms.Form):
    """Which questions of the course to export, in which format."""

    format = forms.ChoiceField(initial="moodlexml")
    quiz = forms.ModelChoiceField(queryset=Quiz.objects.none(), required=False, empty_label="Any")
    source_text = forms.ModelChoiceField(
        queryset=SourceText.objects.none(), required=False, empty_label="Any", label="Text"
    )
    tag = forms.ModelChoiceField(queryset=Tag.objects.none(), required=False, empty_label="Any")

    def __init__(self, *args: Any, course: Course, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [
            (name, item.label) for name, item in exchange.FORMATS.items()
        ]
        self.fields["quiz"].queryset = Quiz.objects.filter(course=course)
        self.fields["source_text"].queryset = SourceText.objects.filter(course=course).only(
            "pk", "title", "slug", "course_id"
        )
        self.fields["tag"].queryset = Tag.objects.filter(course=course)

    def questions(self, course: Course):
        questions = Question.objects.filter(source_text__course=course)
        if self.cleaned_data.get("quiz"):
            questions = questions.filter(quiz_slots__quiz=self.cleaned_data["quiz"])
        if self.cleaned_data.get("source_text"):
            questions = questions.filter(source_text=self.cleaned_data["source_text"])
        if self.cleaned_data.get("tag"):
            questions = questions.filter(tags=self.cleaned_data["tag"])
        return questions
