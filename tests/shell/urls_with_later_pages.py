"""The app's URLs plus the pages other issues will add (the account settings page), so the
tests can show the shell picks them up by name as soon as they exist."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def stand_in(request, **kwargs):
    return HttpResponse("stand-in")


urlpatterns = [
    path("accounts/settings/", stand_in, name="account_settings"),
    *app_urlpatterns,
]
