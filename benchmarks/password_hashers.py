"""Per-login cost of each password hasher on this machine: a class of N logging in at once.

    .venv/bin/python benchmarks/password_hashers.py [--logins 20]

Prints the median wall and CPU time of one check_password() per hasher (what a login costs the
server; Argon2 runs its lanes in threads, so CPU can exceed wall) and how long a class of 200
takes to log in on 2 cores with each, from the CPU time.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")

import django

django.setup()

from django.contrib.auth.hashers import check_password, get_hasher, make_password  # noqa: E402

HASHERS = ["pbkdf2_sha256", "argon2", "scrypt"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--logins", type=int, default=20)
    parser.add_argument("--class-size", type=int, default=200)
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    rows = []
    for name in HASHERS:
        encoded = make_password("correct-horse-battery", hasher=name)
        wall, cpu = [], []
        for _ in range(args.logins):
            start, start_cpu = time.perf_counter(), time.process_time()
            assert check_password("correct-horse-battery", encoded)
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        rows.append((name, statistics.median(wall), statistics.median(cpu)))
    print(f"{'hasher':<16}{'wall':>10}{'CPU':>10}{f'class of {args.class_size}':>16}")
    for name, wall_s, cpu_s in rows:
        batch = cpu_s * args.class_size / args.cores
        print(f"{name:<16}{wall_s * 1000:>8.0f}ms{cpu_s * 1000:>8.0f}ms{batch:>15.1f}s")
    print(f"(first in PASSWORD_HASHERS: {get_hasher().algorithm})")


if __name__ == "__main__":
    main()
