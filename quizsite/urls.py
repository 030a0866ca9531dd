from django.contrib import admin
from django.urls import include, path

from quizzes.views import accounts, health

urlpatterns = [
    # Liveness for load balancers, and the ceiling benchmarks/answer_loop.py measures against.
    path("healthz", health.healthz, name="healthz"),
    path("", include("quizzes.urls")),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/setup/", accounts.setup_password, name="setup_password"),
    # Before Django's own: without e-mail, a reset is a set-up code from a teacher.
    path("accounts/password_reset/", accounts.password_reset, name="password_reset"),
    # Before Django's own: wrong current passwords count as failed logins (django-axes).
    path("accounts/password_change/", accounts.password_change, name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
