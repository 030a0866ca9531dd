"""The password hasher: Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).

Django's default Argon2 parameters (100 MiB, 2 passes, 8 lanes) cost 225 ms of CPU per login on
a 2-core server, so a class of 1,500 logging in over two minutes would need three cores for the
hashing alone. These cost 22 ms (benchmarks/password_hashers.py). Hashes made with other
parameters still verify, and are rehashed with these at the next login (Django's must_update).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class ClassroomArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19456  # KiB
    parallelism = 1
