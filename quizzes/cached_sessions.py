"""The session engine with a shared cache (SESSION_ENGINE = "quizzes.cached_sessions", when
REDIS_URL is set): Django's cached_db sessions, the database read with plain SQL
(quizzes/sql.py), keys Django could not have made refused (quizzes/sessions.py).

The cache is optional in this engine as in the settings: when Redis does not answer, sessions
are read from and written to the database alone, and the failure is logged, so students go on.
(Django's cached_db falls back for a read and a save, but not when it checks, deletes or fills
the cache.)"""

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.sessions.backends import cached_db, db
from django.utils import timezone

from quizzes import sql
from quizzes.sessions import well_formed

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    """Django's cached_db sessions (the shared cache first, the database behind it), with the
    database read in plain SQL. Logging out deletes the key from the shared cache, so every
    server forgets the session at once."""

    def load(self) -> dict:
        if not well_formed(self.session_key):
            self.flush()
            return {}
        data = self.ask_cache(self._cache.get, self.cache_key)
        if data is None:
            stored = sql.session_data(self.session_key, timezone.now())
            if stored is None:
                self.flush()
                return {}
            encoded, expires = stored
            data = self.decode(encoded)
            self.ask_cache(
                self._cache.set, self.cache_key, data, self.get_expiry_age(expiry=expires)
            )
        return data

    def exists(self, session_key: str) -> bool:
        if not well_formed(session_key):
            return False
        cached = self.ask_cache(self._cache.has_key, self.cache_key_prefix + session_key)
        return bool(cached) or db.SessionStore.exists(self, session_key)

    def delete(self, session_key: str | None = None) -> None:
        session_key = session_key or self.session_key
        if not well_formed(session_key):
            return
        db.SessionStore.delete(self, session_key)
        self.ask_cache(self._cache.delete, self.cache_key_prefix + session_key)

    def ask_cache(self, operation: Callable[..., Any], *args: Any) -> Any:
        """The cache's answer, or None (as a miss) when the cache fails: the database decides."""
        try:
            return operation(*args)
        except Exception:
            logger.warning("The session cache failed; using the database alone", exc_info=True)
            return None
