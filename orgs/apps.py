from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "Organizations and access"

    def ready(self):
        # Connects the failed-login receiver before the first request can fail a login.
        from orgs import login_throttle  # noqa: F401
