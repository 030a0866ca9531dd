"""Form fields the kinds edit their keys with: rows of options, items or pairs, and lines.

A key with a variable number of entries (options, items, pairs) is one `RowsField`: a table of
rows, each a few inputs, plus blank rows to add more (and, with JavaScript, an "Add a row"
button). A row keeps its entry's id in a hidden input, so an edited option stays the option the
students picked. Being one field, it fits any form: the question editor and the admin's.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms

MAX_ROWS = 100


@dataclass(frozen=True)
class Column:
    """One input of each row: "text", "checkbox", "radio" (one ticked in the whole table),
    "number" or "hidden"."""

    name: str
    label: str
    input: str = "text"
    max_length: int = 500
    # Rows whose key columns are all empty are blank rows, and are left out.
    key: bool = False
    help: str = ""


class RowsWidget(forms.Widget):
    template_name = "quizzes/kinds/widgets/rows.html"

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        extra: int = 3,
        row_label: str = "Row",
        attrs: dict[str, Any] | None = None,
    ):
        super().__init__(attrs)
        self.columns = tuple(columns)
        self.extra = extra
        self.row_label = row_label

    def format_value(self, value: Any) -> Any:
        return value

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[dict[str, Any]]:
        try:
            count = min(int(data.get(f"{name}-count", 0)), MAX_ROWS + self.extra)
        except (TypeError, ValueError):
            count = 0
        rows = []
        for index in range(max(count, 0)):
            row: dict[str, Any] = {}
            for column in self.columns:
                field_name = f"{name}-{index}-{column.name}"
                if column.input == "checkbox":
                    row[column.name] = field_name in data
                elif column.input == "radio":
                    row[column.name] = data.get(f"{name}-{column.name}") == str(index)
                else:
                    value = data.get(field_name, "")
                    row[column.name] = value if isinstance(value, str) else ""
            rows.append(row)
        return rows

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return f"{name}-count" not in data

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        rows = [dict(row) for row in (value or []) if isinstance(row, Mapping)]
        blank = {
            column.name: (False if column.input in ("checkbox", "radio") else "")
            for column in self.columns
        }
        rows += [dict(blank) for _ in range(self.extra)]
        context["widget"].update(
            {
                "columns": self.columns,
                "visible_columns": [c for c in self.columns if c.input != "hidden"],
                "rows": [
                    {
                        "index": index,
                        "number": index + 1,
                        "cells": [
                            {
                                "column": column,
                                "name": (
                                    f"{name}-{column.name}"
                                    if column.input == "radio"
                                    else f"{name}-{index}-{column.name}"
                                ),
                                "id": f"id_{name}-{index}-{column.name}",
                                "value": row.get(column.name, ""),
                            }
                            for column in self.columns
                        ],
                    }
                    for index, row in enumerate(rows)
                ],
                "count": len(rows),
                "row_label": self.row_label,
            }
        )
        return context


class RowsField(forms.Field):
    """A list of rows, each a dict of its columns' values, blank rows left out."""

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        extra: int = 3,
        row_label: str = "Row",
        **kwargs: Any,
    ):
        self.columns = tuple(columns)
        self.row_label = row_label
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", RowsWidget(columns, extra=extra, row_label=row_label))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[dict[str, Any]]:
        if not value:
            return []
        rows = []
        errors = []
        for number, raw in enumerate(value, start=1):
            row: dict[str, Any] = {}
            for column in self.columns:
                item = raw.get(column.name)
                if column.input in ("checkbox", "radio"):
                    row[column.name] = bool(item)
                elif column.input == "number":
                    text = str(item or "").strip()
                    try:
                        row[column.name] = int(text) if text else None
                    except ValueError:
                        errors.append(
                            f"{self.row_label} {number}: the {column.label.lower()} must be a "
                            "whole number."
                        )
                        row[column.name] = None
                else:
                    text = " ".join(str(item or "").split())
                    if len(text) > column.max_length:
                        errors.append(
                            f"{self.row_label} {number}: the {column.label.lower()} is longer than "
                            f"{column.max_length} characters."
                        )
                    row[column.name] = text
            key_columns = [column for column in self.columns if column.key]
            if key_columns and not any(row[column.name] for column in key_columns):
                ticked = [
                    c for c in self.columns if c.input in ("checkbox", "radio") and row[c.name]
                ]
                if ticked:
                    errors.append(f"{self.row_label} {number} is ticked but has no text.")
                continue
            rows.append(row)
        if len(rows) > MAX_ROWS:
            errors.append(f"At most {MAX_ROWS} rows.")
        if errors:
            raise forms.ValidationError(errors)
        positions = [row.get("position") for row in rows]
        if any(position is not None for position in positions):
            # Rows given a position move there; the others keep their place among them.
            order = sorted(
                range(len(rows)),
                key=lambda index: (
                    positions[index] if positions[index] is not None else index + 1,
                    index,
                ),
            )
            rows = [rows[index] for index in order]
        return rows


def lines(value: str) -> list[str]:
    """The non-blank lines of a textarea, inner spacing folded."""
    return [" ".join(line.split()) for line in value.splitlines() if line.strip()]


class LinesField(forms.CharField):
    """A textarea read as one entry per line."""

    def __init__(self, *, rows: int = 4, **kwargs: Any):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def clean(self, value: Any) -> list[str]:
        return lines(super().clean(value) or "")
