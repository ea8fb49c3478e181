from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("orgs.urls")),
    path("", include("assessment.urls")),
]
