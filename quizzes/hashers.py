"""The password hasher: Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).

Django's default Argon2 parameters (100 MiB, 2 passes, 8 lanes) take about ten times the CPU of
these per login (benchmarks/password_hashers.py; figures in README.md, "Security"): a class of
1,500 logging in over two minutes would need more than the cores of a small server for the
hashing alone. Hashes made with other parameters still verify, and are rehashed with these at
the next login (Django's must_update).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class ClassroomArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19456  # KiB
    parallelism = 1
