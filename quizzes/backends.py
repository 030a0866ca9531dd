"""The authentication backend: Django's ModelBackend, loading the signed-in user with a prepared
query because every signed-in request loads one."""

from django.contrib.auth import backends, get_user_model

from quizzes.prepared import Param, PreparedQuery

_user_by_pk = PreparedQuery(lambda: get_user_model()._default_manager.filter(pk=Param("pk")))


class ModelBackend(backends.ModelBackend):
    """Logs in, checks permissions and refuses inactive users exactly as Django's ModelBackend."""

    def get_user(self, user_id):
        users = _user_by_pk.fetch(pk=user_id)
        if not users or not self.user_can_authenticate(users[0]):
            return None
        return users[0]
