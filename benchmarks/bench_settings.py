"""The production settings with one benchmark-only URL added (benchmarks/bench_urls.py)."""

from quizsite.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
