"""The app's URLs plus the pages other issues will add (the action plan, notification
preferences), so the tests can show the pages pick them up by name as soon as they exist."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def stand_in(request, **kwargs):
    return HttpResponse("stand-in")


urlpatterns = [
    path("o/<uuid:org_id>/plan/", stand_in, name="org_plan"),
    path("accounts/notifications/", stand_in, name="account_notifications"),
    *app_urlpatterns,
]
