"""Production settings queue work in the database for a worker; nothing runs in the request."""

from tests.config.test_settings import manage, production_env

SHOW = (
    "from django.conf import settings; "
    "print(settings.TASKS['default']['BACKEND'], settings.EMAIL_BACKEND, "
    "settings.EMAIL_DELIVERY_BACKEND, settings.EMAIL_DELIVERY_MAX_ATTEMPTS)"
)


def test_production_defaults_queue_tasks_in_the_database_and_deliver_by_smtp(tmp_path):
    result = manage("shell", "--no-imports", "-c", SHOW, **production_env(tmp_path))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django_tasks_db.DatabaseBackend",
        "config.queued_email.QueuedEmailBackend",
        "django.core.mail.backends.smtp.EmailBackend",
        "10",
    ]


def test_development_delivers_to_the_console_of_the_worker(tmp_path):
    env = {**production_env(tmp_path), "DEBUG": "1"}

    result = manage("shell", "--no-imports", "-c", SHOW, **env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[2] == "django.core.mail.backends.console.EmailBackend"


def test_an_old_email_backend_variable_refuses_to_start_instead_of_bypassing_the_queue(tmp_path):
    old = "django.core.mail.backends.smtp.EmailBackend"
    env = {**production_env(tmp_path), "EMAIL_BACKEND": old}

    result = manage("check", **env)

    assert result.returncode != 0
    assert "EMAIL_BACKEND is no longer read" in result.stderr
    assert "EMAIL_DELIVERY_BACKEND" in result.stderr


def test_zero_delivery_attempts_is_refused(tmp_path):
    result = manage("check", **{**production_env(tmp_path), "EMAIL_DELIVERY_MAX_ATTEMPTS": "0"})

    assert result.returncode != 0
    assert "EMAIL_DELIVERY_MAX_ATTEMPTS must be 1 or more" in result.stderr
