"""Time derive() on the Rapallo text and on synthetic texts of 25,000 and 50,000 words.

Run from the project root: `.venv/bin/python benchmarks/derive_speed.py`. The synthetic text
shuffles the Rapallo paragraphs with a fixed seed and varies their years and place names, so the
name and year pools grow with the text as they would in a long book.
"""

import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script, without installing the project

from quizzes.question_generator import derive  # noqa: E402

RAPALLO = (ROOT / "tests" / "data" / "generator" / "rapallo.txt").read_text(encoding="utf-8")


def synthetic(words: int, seed: int = 4) -> str:
    """Rapallo paragraphs shuffled and varied until the text has about `words` words."""
    rng = random.Random(seed)
    paragraphs = [p for p in RAPALLO.split("\n\n") if len(p.split()) > 20]
    out: list[str] = []
    count = 0
    while count < words:
        paragraph = rng.choice(paragraphs)
        paragraph = re.sub(
            r"\b1[89]\d\d\b", lambda m: str(int(m.group()) + rng.randint(-40, 40)), paragraph
        )
        paragraph = paragraph.replace("Lipetsk", f"Lipetsk{rng.randint(1, 300)}")
        out.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(out)


def timed(text: str, repeats: int) -> tuple[float, int]:
    """Median wall time in milliseconds over `repeats` runs, and the number of drafts."""
    times = []
    drafts = 0
    for _ in range(repeats):
        start = time.perf_counter()
        drafts = len(derive(text))
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), drafts


def main() -> None:
    """Print one line per text: words, median milliseconds, drafts, microseconds per word."""
    cases = [
        ("rapallo", RAPALLO, 20),
        ("synthetic", synthetic(25_000), 3),
        ("synthetic", synthetic(50_000), 3),
    ]
    for name, text, repeats in cases:
        words = len(text.split())
        ms, drafts = timed(text, repeats)
        per_word = 1000 * ms / words
        print(f"{name:10} {words:7,} words {ms:9.1f} ms {drafts:5} drafts {per_word:6.1f} µs/word")


if __name__ == "__main__":
    main()
