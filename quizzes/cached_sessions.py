"""The session engine with a shared cache (SESSION_ENGINE = "quizzes.cached_sessions", when
REDIS_URL is set): Django's cached_db sessions, the database read with plain SQL
(quizzes/sql.py), keys Django could not have made refused (quizzes/sessions.py)."""

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.core.cache import caches
from django.utils import timezone

from quizzes import sql
from quizzes.sessions import well_formed


class SessionStore(cached_db.SessionStore):
    """Django's cached_db sessions (the shared cache first, the database behind it), with the
    database read in plain SQL. Logging out deletes the key from the shared cache, so every
    server forgets the session at once."""

    def load(self) -> dict:
        if not well_formed(self.session_key):
            self.flush()
            return {}
        cache = caches[settings.SESSION_CACHE_ALIAS]
        try:
            data = cache.get(self.cache_key)
        except Exception:
            # As Django's: a cache that does not answer falls back to the database.
            data = None
        if data is None:
            stored = sql.session_data(self.session_key, timezone.now())
            if stored is None:
                self.flush()
                return {}
            encoded, expires = stored
            data = self.decode(encoded)
            cache.set(self.cache_key, data, self.get_expiry_age(expiry=expires))
        return data

    def exists(self, session_key: str) -> bool:
        return well_formed(session_key) and super().exists(session_key)

    def delete(self, session_key: str | None = None) -> None:
        if well_formed(session_key or self.session_key):
            super().delete(session_key)
