from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from config.health import healthz

# The admin logs in through allauth's page like everyone else, so staff get the same rate
# limits, verification and MFA; a logged-in non-staff user is refused.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    # Before allauth's: the notification settings live beside the other account pages.
    path("", include("notifications.urls")),
    path("accounts/", include("allauth.urls")),
    path("healthz/", healthz, name="healthz"),
    path("", include("orgs.urls")),
    path("", include("assessment.urls")),
    path("", include("plans.urls")),
    path("", include("campaigns.urls")),
]

# Oversized or malformed requests: the site's 400 page, or JSON for the autosave endpoint.
handler400 = "config.errors.bad_request"
