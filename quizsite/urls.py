from django.contrib import admin
from django.urls import include, path

from quizzes.views import health, student

urlpatterns = [
    # Liveness for load balancers, and the ceiling benchmarks/answer_loop.py measures against.
    path("healthz", health.healthz, name="healthz"),
    path("", include("quizzes.urls")),
    path("accounts/signup/", student.signup, name="signup"),
    # Before Django's own: wrong current passwords count as failed logins (django-axes).
    path("accounts/password_change/", student.password_change, name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
