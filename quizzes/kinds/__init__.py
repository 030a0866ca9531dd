"""Question kinds, one module each (on the model of Moodle's question types).

Every module of this package that defines a `KIND` (a QuestionKind) is a kind: the registry
finds it, so adding a kind is adding its module (and its templates). Everything else asks the
registry about a kind instead of branching on it:

    kinds.get(question.kind).key_problems(question.key)
    kinds.of(response.snapshot).grade(response.snapshot, response.answer)
"""

import importlib
import pkgutil
from collections.abc import Mapping
from typing import Any

from quizzes.exchange import portable
from quizzes.kinds.base import Key, KeyFormatError, KeySummary, QuestionKind, Snapshot

__all__ = [
    "KINDS",
    "KeyFormatError",
    "KeySummary",
    "QuestionKind",
    "UnknownKind",
    "all_kinds",
    "choices",
    "from_portable",
    "get",
    "grade",
    "of",
]


class UnknownKind(ValueError):
    """A kind no module defines."""


def _discover() -> dict[str, QuestionKind]:
    found: list[QuestionKind] = []
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        kind = getattr(module, "KIND", None)
        if isinstance(kind, QuestionKind):
            found.append(kind)
    found.sort(key=lambda kind: (kind.order, kind.name))
    return {kind.name: kind for kind in found}


KINDS: dict[str, QuestionKind] = _discover()


def get(name: str) -> QuestionKind:
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKind(f"Unknown question kind: {name!r}") from None


def from_portable(body: portable.Body) -> tuple[QuestionKind, Key, list[str]]:
    """The kind another tool's question is here, its key, and what changed on the way.
    KeyFormatError (with the reason) when no kind can keep it."""
    for kind in KINDS.values():
        made = kind.from_portable(body)
        if made is not None:
            key, warnings = made
            return kind, key, warnings
    raise KeyFormatError("no question kind here can hold it.")


def of(snapshot: Mapping[str, Any]) -> QuestionKind:
    """The kind of a question frozen in an attempt."""
    return get(snapshot["kind"])


def all_kinds() -> list[QuestionKind]:
    return list(KINDS.values())


def choices() -> list[tuple[str, str]]:
    """(name, label) per kind, for model and form fields."""
    return [(kind.name, kind.label) for kind in KINDS.values()]


def grade(snapshot: Snapshot, answer: Any) -> float:
    """Grade a stored answer against a question's key (the attempt's snapshot of it)."""
    if answer is None:
        return 0.0
    return of(snapshot).grade(snapshot, answer)
