"""The authentication backend: Django's ModelBackend, loading the signed-in user with plain SQL
(quizzes/sql.py) because every signed-in request loads one."""

from django.contrib.auth import backends

from quizzes import sql


class ModelBackend(backends.ModelBackend):
    """Logs in, checks permissions and refuses inactive users exactly as Django's ModelBackend."""

    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        if not 0 < pk < 2**63:
            return None
        user = sql.user(pk)
        if user is None or not self.user_can_authenticate(user):
            return None
        return user
