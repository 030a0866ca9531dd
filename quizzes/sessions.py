"""The session engine (SESSION_ENGINE = "quizzes.sessions"): Django's database sessions, read
with plain SQL (quizzes/sql.py) because every signed-in request reads one, and refusing keys
Django could not have made. quizzes/cached_sessions.py is its cached_db sibling."""

import string

from django.contrib.sessions.backends import db
from django.utils import timezone

from quizzes import sql

# Django makes session keys of 32 lower-case letters and digits.
KEY_CHARACTERS = frozenset(string.ascii_lowercase + string.digits)


def well_formed(session_key: str | None) -> bool:
    """A key Django could have made: anything else (a NUL byte, a megabyte) is no session."""
    return bool(session_key) and len(session_key) <= 64 and set(session_key) <= KEY_CHARACTERS


class SessionStore(db.SessionStore):
    """Stored, expired and cleared exactly as Django's database sessions; read with plain SQL."""

    def load(self) -> dict:
        stored = None
        if well_formed(self.session_key):
            stored = sql.session_data(self.session_key, timezone.now())
        if stored is None:
            # As Django's: an unknown or expired key is forgotten; a new one is made on save.
            self.flush()
            return {}
        return self.decode(stored[0])

    def exists(self, session_key: str) -> bool:
        return well_formed(session_key) and super().exists(session_key)

    def delete(self, session_key: str | None = None) -> None:
        if well_formed(session_key or self.session_key):
            super().delete(session_key)
