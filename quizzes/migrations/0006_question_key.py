"""Each question's answer key as one JSON value in the shape of its kind (quizzes/kinds/).

The ids of options, ordering items and matching pairs are their old rows' primary keys, so
every answer stored in an attempt (which names options by id) still means what it meant.
"""

from django.db import migrations, models


def rows_to_key(apps, schema_editor):
    Question = apps.get_model("quizzes", "Question")
    for question in Question.objects.all().iterator(chunk_size=500):
        choices = sorted(question.choices.all(), key=lambda row: (row.position, row.pk))
        kind = question.kind
        if kind in ("single_choice", "multiple_response"):
            key = {
                "options": [
                    {
                        "id": str(row.pk),
                        "text": row.text,
                        "correct": row.is_correct,
                        "feedback": "",
                    }
                    for row in choices
                ]
            }
        elif kind == "ordering":
            key = {"items": [{"id": str(row.pk), "text": row.text} for row in choices]}
        elif kind == "true_false":
            key = {"answer": question.statement_is_true}
        elif kind == "short_answer":
            key = {"answers": [row.text for row in question.accepted_answers.order_by("pk")]}
        elif kind == "numeric":
            key = {"value": question.numeric_value, "tolerance": question.numeric_tolerance}
        elif kind == "matching":
            pairs = sorted(question.match_pairs.all(), key=lambda row: (row.position, row.pk))
            key = {
                "pairs": [
                    {"id": str(row.pk), "prompt": row.prompt, "answer": row.answer}
                    for row in pairs
                ]
            }
        else:
            key = {}
        question.key = key
        question.save(update_fields=["key"])


def key_to_rows(apps, schema_editor):
    Question = apps.get_model("quizzes", "Question")
    Choice = apps.get_model("quizzes", "Choice")
    AcceptedAnswer = apps.get_model("quizzes", "AcceptedAnswer")
    MatchPair = apps.get_model("quizzes", "MatchPair")
    for question in Question.objects.all().iterator(chunk_size=500):
        key = question.key or {}
        entries = key.get("options") or key.get("items") or []
        Choice.objects.bulk_create(
            Choice(
                question=question,
                text=entry["text"],
                is_correct=bool(entry.get("correct")),
                position=position,
            )
            for position, entry in enumerate(entries, start=1)
        )
        AcceptedAnswer.objects.bulk_create(
            AcceptedAnswer(question=question, text=text) for text in key.get("answers", [])
        )
        MatchPair.objects.bulk_create(
            MatchPair(question=question, prompt=pair["prompt"], answer=pair["answer"], position=n)
            for n, pair in enumerate(key.get("pairs", []), start=1)
        )
        if question.kind == "true_false":
            question.statement_is_true = key.get("answer")
        if question.kind == "numeric":
            question.numeric_value = key.get("value")
            question.numeric_tolerance = key.get("tolerance") or 0
        question.save(update_fields=["statement_is_true", "numeric_value", "numeric_tolerance"])


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0005_overdue_policy_accommodation_answer_seq"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="key",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(rows_to_key, key_to_rows),
    ]
