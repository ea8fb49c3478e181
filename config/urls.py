from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import include, path, reverse

from config.health import healthz


def admin_login(request):
    """The admin logs in through allauth's page like everyone else, so staff get the same rate
    limits, verification and MFA; a logged-in non-staff user is refused (sending them to the
    login page would loop, since it redirects logged-in users back here)."""
    if request.user.is_authenticated:
        raise PermissionDenied("The admin is for staff.")
    return redirect_to_login(
        request.GET.get("next") or reverse("admin:index"), login_url=reverse("account_login")
    )


urlpatterns = [
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("healthz/", healthz, name="healthz"),
    path("", include("orgs.urls")),
    path("", include("assessment.urls")),
]

# Oversized or malformed requests: the site's 400 page, or JSON for the autosave endpoint.
handler400 = "config.errors.bad_request"
