from django.contrib import admin
from django.urls import include, path

from config.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
    path("", include("orgs.urls")),
    path("", include("assessment.urls")),
]

# Oversized or malformed requests: the site's 400 page, or JSON for the autosave endpoint.
handler400 = "config.errors.bad_request"
