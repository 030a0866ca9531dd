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

from django.contrib.auth.hashers import (  # noqa: E402
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
    ScryptPasswordHasher,
    get_hasher,
)

from quizzes.hashers import ClassroomArgon2PasswordHasher  # noqa: E402

# (label, hasher): the site's Argon2 (OWASP's minimum) and Django's defaults.
HASHERS = [
    ("argon2 (site)", ClassroomArgon2PasswordHasher()),
    ("argon2 (Django)", Argon2PasswordHasher()),
    ("pbkdf2_sha256", PBKDF2PasswordHasher()),
    ("scrypt", ScryptPasswordHasher()),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--logins", type=int, default=20)
    parser.add_argument("--class-size", type=int, default=200)
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    rows = []
    for name, hasher in HASHERS:
        encoded = hasher.encode("correct-horse-battery", hasher.salt())
        wall, cpu = [], []
        for _ in range(args.logins):
            start, start_cpu = time.perf_counter(), time.process_time()
            assert hasher.verify("correct-horse-battery", encoded)
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        rows.append((name, statistics.median(wall), statistics.median(cpu)))
    print(f"{'hasher':<18}{'wall':>10}{'CPU':>10}{f'class of {args.class_size}':>16}")
    for name, wall_s, cpu_s in rows:
        batch = cpu_s * args.class_size / args.cores
        print(f"{name:<18}{wall_s * 1000:>8.0f}ms{cpu_s * 1000:>8.0f}ms{batch:>15.1f}s")
    print(f"(first in PASSWORD_HASHERS: {type(get_hasher()).__name__})")


if __name__ == "__main__":
    main()
