from django.contrib import admin
from django.urls import include, path
from lti_tool.views import jwks

from quizzes.views import accounts, health, lms

urlpatterns = [
    # Liveness for load balancers, and the ceiling benchmarks/answer_loop.py measures against.
    path("healthz", health.healthz, name="healthz"),
    path("", include("quizzes.urls")),
    # LTI 1.3: what a learning platform calls, and its registration by the site's administrators.
    path("lti/jwks/", jwks, name="lti_jwks"),
    path("lti/login/", lms.login_initiation, name="lti_login"),
    path("lti/login/<uuid:registration_uuid>/", lms.login_initiation, name="lti_login_for"),
    path("lti/launch/", lms.launch, name="lti_launch"),
    path("lti/deep-link/", lms.deep_link, name="lti_deep_link"),
    path("teach/lms/", lms.platforms, name="lti_platforms"),
    path("teach/lms/canvas.json", lms.canvas_json, name="lti_canvas_json"),
    path("teach/lms/<uuid:registration_uuid>/", lms.platform, name="lti_platform"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/setup/", accounts.setup_password, name="setup_password"),
    # Before Django's own: without e-mail, a reset is a set-up code from a teacher.
    path("accounts/password_reset/", accounts.password_reset, name="password_reset"),
    # Before Django's own: wrong current passwords count as failed logins (django-axes).
    path("accounts/password_change/", accounts.password_change, name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
