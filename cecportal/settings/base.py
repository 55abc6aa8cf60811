"""Settings shared by every environment. Values come from the environment, with
development-safe defaults; `prod.py` removes the defaults that must not reach production."""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-only-secret-key-not-for-production-use-0123456789")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_tasks_db",
    "django_htmx",
    # The project package itself, for its commands (backup, restore).
    "cecportal",
    "simple_history",
    "accounts",
    "catalog",
    "tracker",
    "petitions",
    "notices",
    "reporting",
    "ninja",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Under /api/v1/: a body over API_MAX_BODY_BYTES is refused before anything reads it, and
    # every error answers in the API's JSON shape.
    "api.middleware.ApiBoundaryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page is private unless its view says @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # History rows name the signed-in person who made a change (tracker/history.py).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx; views whose response differs for htmx say so with Vary: HX-Request.
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cecportal.urls"
WSGI_APPLICATION = "cecportal.wsgi.application"
ASGI_APPLICATION = "cecportal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
            "builtins": ["cecportal.templatetags.units", "cecportal.templatetags.text"],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Database -------------------------------------------------------------------------------
# SQLite by default so that a newcomer needs nothing installed; DATABASE_URL selects
# PostgreSQL (postgres://user:password@host:5432/name) in production.
SQLITE_PATH = Path(env("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")))
SQLITE_OPTIONS = {
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
    # BEGIN so that two writers queue on the busy timeout instead of failing mid-transaction.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def database_from_url(url):
    config = dj_database_url.parse(url, conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = dict(SQLITE_OPTIONS)
    return config


DATABASES = {"default": database_from_url(env("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.CachedPermissionsBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Throttle password guessing (accounts/throttle.py): AXES_FAILURE_LIMIT wrong passwords for one
# account, from any address, pause that account's password login for the cool-off and email its
# owner a one-time log-in link; LOGIN_ADDRESS_FAILURE_LIMIT failures from one address, across
# accounts, pause log-ins from that address.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(env("LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Axes warns when the address is not a lockout parameter: the per-address limit is counted by
# accounts.throttle.ThrottleHandler instead, with its own (higher) limit.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_HANDLER = "accounts.throttle.ThrottleHandler"
AXES_LOCKOUT_CALLABLE = "accounts.throttle.lockout_response"
# A lock ends after the cool-off; failures during it do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# The login form posts the email in its "username" field (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.throttle.axes_username"
# The client's address: REMOTE_ADDR, or with TRUSTED_PROXIES = n (the number of reverse proxies
# in front of the app, each appending to X-Forwarded-For) the address the outermost one saw.
TRUSTED_PROXIES = int(env("TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "cecportal.clientip.client_ip"
AXES_VERBOSE = False

# Public verification (/verify/): lookups per client address per window.
VERIFY_LIMIT = int(env("VERIFY_LIMIT", "30"))
VERIFY_WINDOW_SECONDS = int(env("VERIFY_WINDOW_MINUTES", "15")) * 60

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env("DJANGO_TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%m/%d/%Y"]

# --- Static files and uploads ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded certificates and petition documents are private: they live outside anything a
# web server serves and are only ever streamed by a view that checks who is asking.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
# Never routed: uploads are streamed only by views that check who asks.
MEDIA_URL = "/_private_media_is_not_served/"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env("AWS_STORAGE_BUCKET_NAME"):
    # Private documents on S3-compatible object storage (pip install -e .[s3]), shared by
    # every app server; credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
    STORAGES_S3 = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL"),
            "region_name": env("AWS_S3_REGION_NAME"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    STORAGES["default"] = STORAGES_S3
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Five 10 MB documents plus the form itself.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Email ----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "CEC Portal <no-reply@cecportal.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def mailers_from_env(default_backend):
    """The default mailer: SMTP when SMTP_HOST is set, otherwise `default_backend`;
    EMAIL_BACKEND_CLASS overrides either."""
    backend = env("EMAIL_BACKEND_CLASS") or (SMTP_BACKEND if env("SMTP_HOST") else default_backend)
    mailer = {"BACKEND": backend}
    if backend == SMTP_BACKEND:
        mailer["OPTIONS"] = {
            "host": env("SMTP_HOST", "localhost"),
            "port": int(env("SMTP_PORT", "587")),
            "username": env("SMTP_USER", ""),
            "password": env("SMTP_PASSWORD", ""),
            "use_tls": env_bool("SMTP_USE_TLS", True),
            "timeout": int(env("SMTP_TIMEOUT", "10")),
        }
    return {"default": mailer}


MAILERS = mailers_from_env("django.core.mail.backends.console.EmailBackend")

# Links in emails and calendar feeds point here.
SITE_URL = env("SITE_URL", f"http://127.0.0.1:{env('PORT') or '8000'}")

# --- Background work ------------------------------------------------------------------------
# Django's task framework. TASKS_QUEUE=database (the default) keeps the queue in the project's
# own database: nothing else to run. TASKS_QUEUE=redis puts it in Redis (REDIS_URL) for a
# deployment with several worker machines (`pip install -e .[redis]`). Either way the worker
# process is `manage.py worker`.
TASKS_QUEUE = env("TASKS_QUEUE", "database")
REDIS_CONFIGURED = bool(env("REDIS_URL"))
REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
if TASKS_QUEUE == "redis":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    INSTALLED_APPS += ["django_rq"]
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Run by `manage.py tick` (every minute under `make run`; from cron or its own process in a
# deployment). Each takes `now=` and is safe to run again.
PERIODIC_JOBS = [
    "notices.services.retry_due",
    "catalog.tasks.sweep",
    "tracker.tasks.sweep",
    "notices.reminders.scan",
    "tracker.audits.mark_overdue",
]

# --- Cache and sessions ---------------------------------------------------------------------
# One machine: a per-process memory cache and sessions in the database. With REDIS_URL set,
# every app server shares Redis (Django's own Redis cache) for the cache, and sessions are
# read through it (`cached_db`: Redis first, the database behind it, so a Redis restart
# signs nobody out). Nothing else changes: no code reads the backend.
#
# The cache holds rendered parts of pages and evaluations: its keys start with a digest of the
# code and templates, so that after a deploy no server reads what the code before it wrote.


def code_digest(root: Path = BASE_DIR) -> str:
    """A digest of every Python module and template of the project (not of the venv)."""
    digest = hashlib.blake2b(digest_size=6)
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if folder.name in ("tests", "bench"):
            continue
        if not (folder / "__init__.py").exists() and folder.name != "templates":
            continue  # only the apps, the glue package and the templates
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".html") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


CODE_DIGEST = code_digest()
if REDIS_CONFIGURED:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("CACHE_REDIS_URL", REDIS_URL),
            "KEY_PREFIX": f"{env('CACHE_KEY_PREFIX', 'cecportal')}:{CODE_DIGEST}",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# --- Security -------------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    # Bootstrap draws its form icons as data: SVGs.
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "frame-src": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# A form sent without its valid token gets the site's page saying what to do.
CSRF_FAILURE_VIEW = "cecportal.views.csrf_failure"

# --- Domain ---------------------------------------------------------------------------------
SITE_NAME = "CEC Portal"
# Reviewers aim to decide every petition within this many days (first come, first served).
PETITION_TARGET_DAYS = int(env("PETITION_TARGET_DAYS", "30"))

# --- Provider API (/api/v1/) ----------------------------------------------------------------
# A request body larger than this is refused with 413 before it is read (1,000 completions
# take about 250 KB).
API_MAX_BODY_BYTES = int(env("API_MAX_BODY_BYTES", str(1024 * 1024)))
# Calls per token (the public lookup: per address), counted in Django's cache: the default
# cache is per process, so a deployment with several web processes sets REDIS_URL (above).
API_RATE_LIMIT = env("API_RATE_LIMIT", "120/min")
API_PUBLIC_RATE_LIMIT = env("API_PUBLIC_RATE_LIMIT", "60/min")
API_PAGE_SIZE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
