from django.contrib import admin
from django.urls import include, path

from quizzes.views import student

urlpatterns = [
    path("", include("quizzes.urls")),
    path("accounts/signup/", student.signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
