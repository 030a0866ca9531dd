"""What a question kind is lives in its module (quizzes/kinds/): nothing else branches on a kind.

Outside quizzes/kinds/, no module compares a kind with a literal (`kind == "numeric"`,
`kind in (Question.Kind.ORDERING, ...)`) and no template does (`{% if snapshot.kind == ... %}`):
they ask the registry. Migrations are history and are left out.
"""

import ast
import re
from pathlib import Path

from quizzes import kinds

ROOT = Path(__file__).resolve().parent.parent
KIND_NAMES = set(kinds.KINDS)
KIND_MEMBERS = {name.upper() for name in KIND_NAMES}


def python_files() -> list[Path]:
    files = [
        *ROOT.glob("quizzes/**/*.py"),
        *ROOT.glob("benchmarks/*.py"),
        *ROOT.glob("quizsite/*.py"),
    ]
    return [
        path
        for path in files
        if "migrations" not in path.parts and (ROOT / "quizzes" / "kinds") not in path.parents
    ]


def names_a_kind(node: ast.AST) -> bool:
    """A literal that names a kind: "ordering", Question.Kind.ORDERING, or a tuple of them."""
    if isinstance(node, ast.Constant):
        return node.value in KIND_NAMES
    if isinstance(node, ast.Attribute):
        return node.attr in KIND_MEMBERS
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(names_a_kind(element) for element in node.elts)
    return False


def kind_comparisons(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(
            names_a_kind(operand) for operand in [node.left, *node.comparators]
        ):
            lines.append(node.lineno)
        if isinstance(node, ast.match_case) and names_a_kind(getattr(node.pattern, "value", None)):
            lines.append(node.pattern.lineno)
    return lines


TEMPLATE_COMPARISON = re.compile(
    r"kind\s*(==|!=|in)\s*['\"]?(" + "|".join(sorted(KIND_NAMES)) + r")\b"
)


def test_the_checker_finds_a_comparison():
    assert kind_comparisons('if question.kind == "numeric":\n    pass\n') == [1]
    assert kind_comparisons("x = kind in (Question.Kind.ORDERING, 'other')\n") == [1]
    assert kind_comparisons('kind = "numeric"\n') == []
    assert TEMPLATE_COMPARISON.search('{% if snapshot.kind == "ordering" %}')


def test_no_module_outside_the_kinds_compares_a_kind_with_a_literal():
    found = {
        str(path.relative_to(ROOT)): lines
        for path in python_files()
        if (lines := kind_comparisons(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_no_template_compares_a_kind_with_a_literal():
    found = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if "kinds" not in path.relative_to(ROOT / "templates").parts
        and TEMPLATE_COMPARISON.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
