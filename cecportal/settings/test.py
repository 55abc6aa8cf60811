from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
SECRET_KEY = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
# The tests run against SQLite unless TEST_DATABASE_URL names another database.
if env("TEST_DATABASE_URL"):
    from .base import database_from_url

    DATABASES = {"default": database_from_url(env("TEST_DATABASE_URL"))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "var" / "test.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            # In memory, unless a test run needs several threads writing at once (the browser
            # tests with a task worker): a file then, where SQLite's busy timeout applies.
            "TEST": {"NAME": env("SQLITE_TEST_FILE") or None},
        }
    }
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test-private"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
# Each test process keeps its own cache and database sessions, whatever REDIS_URL says.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
ALLOWED_HOSTS = ["*"]
AXES_ENABLED = True
LOGGING = {"version": 1, "disable_existing_loggers": False}

# Static files come straight from the app folders; no collectstatic needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tasks run at once, in the test's own thread (a test of the worker names the database backend).
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
SITE_URL = "http://testserver"
