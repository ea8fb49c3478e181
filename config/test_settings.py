"""Test overrides on top of the one settings module: fast hashing, mail kept in memory."""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Mail takes the production path in tests: the queued backend (which tests/conftest.py puts back
# after Django's test setup swaps in locmem), a serialised message, the deliver_email task. The
# task runs at once and delivers to django.core.mail.outbox, so a test reads the outbox right
# after the request. tests/tasks covers on_commit, the database backend and a real worker.
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Serve static files from the app folders, as in development: no collectstatic before tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Close connections after every request: live-server threads must not hold one open when the
# test database is dropped at the end of the run (PostgreSQL refuses to drop a database in use).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
