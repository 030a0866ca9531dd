"""Quizsite settings: one file, configured through environment variables (see README.md)."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value in (None, "") else value == "1"


DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or ("dev-only-insecure-key" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for development).")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Django's own widget templates, for FORM_RENDERER below.
    "django.forms",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    # LTI 1.3 (django-lti): platforms' registrations, deployments, keys, and what launches said.
    "lti_tool",
    "quizzes",
]

MIDDLEWARE = [
    # First: every log line of the request, and the response, carry its id.
    "quizzes.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # django-csp's, opening frame-ancestors to a learning platform for the sessions it launched.
    "quizzes.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Lifts X-Frame-Options for those browsers; before sessions, to see their cookies.
    "quizzes.middleware.LmsFramingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "quizzes.middleware.HtmxLoginRedirectMiddleware",
    "quizzes.middleware.PrivatePagesMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Widgets render through TEMPLATES, so a widget's template can live in templates/ (the key
# editors' rows, quizzes/kinds/authoring.py).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "quizsite.urls"
WSGI_APPLICATION = "quizsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quizzes.context_processors.menu_links",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

# SQLite is the embedded default, tuned for a class writing at once: WAL lets readers run beside
# the writer, IMMEDIATE transactions take the write lock up front (no "database is locked" on
# upgrade from a read lock), and the timeout makes writers queue instead of failing.
SQLITE_PATH = os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=60,
        # A persistent connection may have died with a database restart: test it before reuse.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections persist (conn_max_age above) as with PostgreSQL: reopening the file and running
    # the PRAGMAs cost each request about 1.7 ms (benchmarks/answer_loop.py). Between requests a
    # connection holds no transaction, so it blocks neither writers nor WAL checkpoints.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            # FULL: in WAL mode NORMAL can lose the last transactions in a power cut or an OS
            # crash, answers a student was told were saved (README, "Settings").
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=20000;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before checking it
    # Django's ModelBackend, loading the signed-in user with plain SQL (quizzes/sql.py).
    "quizzes.backends.ModelBackend",
]
# Argon2id at OWASP's minimum parameters first (quizzes/hashers.py): a tenth of the CPU of
# Django's default Argon2 or PBKDF2 a login (README, "Security"), so a class logging in at once
# does not queue. Hashes of the others still verify and are rehashed at the next login.
PASSWORD_HASHERS = [
    "quizzes.hashers.ClassroomArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "quizzes:quiz_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/London")
# One language, so no translation machinery: with it on, every URL reversed and number or date
# shown looked up the active language (6 % of a question page). British formats still apply.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles"))
# Hashed names (site.4f3c2a1b.css), listed in a manifest by collectstatic: WhiteNoise serves them
# compressed and cacheable for ever, and a new version is a new name.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
# Where `setup_demo` keeps the demo password it generated, so every run can print it.
DEMO_PASSWORD_FILE = os.environ.get("DEMO_PASSWORD_FILE", str(BASE_DIR / ".demo-password"))

# The shared cache is optional: with REDIS_URL (one server or several) Redis is the cache
# (quizzes/redis_cache.py) and sessions are cached_db, so a logout deletes the session from the
# cache every server reads; if Redis stops answering, sessions fall back to the database alone.
# Without it, database sessions and each process's own memory cache. Both read the database with
# plain SQL (quizzes/sql.py): every signed-in request reads a session.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "quizzes.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "quizsite"),
        }
    }
    SESSION_ENGINE = "quizzes.cached_sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "quizzes.sessions"
# E-mail, optional: EMAIL_URL=smtp://user:password@host:587 (smtps:// for TLS from the start,
# ?starttls=0 to skip STARTTLS). Without it nothing is sent, and a forgotten password is mended
# with a set-up code from a teacher (README, "Courses").
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    _mail = urlsplit(EMAIL_URL)
    if _mail.scheme not in ("smtp", "smtps"):
        raise ImproperlyConfigured("EMAIL_URL must start with smtp:// or smtps://")
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or (465 if _mail.scheme == "smtps" else 587)
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_SSL = _mail.scheme == "smtps"
    EMAIL_USE_TLS = not EMAIL_USE_SSL and "starttls=0" not in _mail.query
    DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", f"quizsite@{EMAIL_HOST}")
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
PASSWORD_RESET_BY_EMAIL = bool(EMAIL_URL)
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# LTI: a graded attempt's score goes to the LMS from a thread after the commit; off, only
# `manage.py send_scores` sends them (the tests send them themselves).
LTI_SEND_SCORES_AFTER_COMMIT = env_flag("LTI_SEND_SCORES_AFTER_COMMIT", True)

# Logins: lock a username only from the address that failed, so one student's typos never lock
# out a classroom behind one school address, and a guesser from elsewhere cannot lock anyone out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address is REMOTE_ADDR unless a trusted proxy in front sets X-Forwarded-For; a
# header a client could forge would let a guesser pick a fresh "address" for every try.
if os.environ.get("DJANGO_AXES_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["DJANGO_AXES_PROXY_COUNT"])
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Headers. No inline scripts or styles anywhere (htmx's own indicator <style> is switched off in
# base.html), so the policy needs no 'unsafe-inline' and no nonces.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# HTTPS. Secure by default whenever DEBUG is off; DJANGO_INSECURE_HTTP=1 serves plain HTTP on
# this machine (make serve, the load script). Behind a proxy that ends TLS, set
# DJANGO_SECURE_PROXY_SSL_HEADER=1 so Django trusts its X-Forwarded-Proto.
HTTPS = not DEBUG and not env_flag("DJANGO_INSECURE_HTTP", False)
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS") or (31536000 if HTTPS else 0)
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_flag("DJANGO_SECURE_HSTS_PRELOAD", HTTPS)
SESSION_COOKIE_SECURE = env_flag("DJANGO_SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_flag("DJANGO_CSRF_COOKIE_SECURE", HTTPS)
if env_flag("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs: errors and warnings to standard error, one JSON object a line (a log collector reads
# them), each with its request's id. What students answer and passwords are never logged: only
# the path, the status and, for errors, the traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "quizzes.logs.RequestIdFilter"}},
    "formatters": {"json": {"()": "quizzes.logs.JsonFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        # runserver's access log, for make run.
        "django.server": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}
