from django.urls import path

from notifications import views

prefix = "o/<uuid:org_id>/a/<uuid:assessment_id>/"

urlpatterns = [
    path("accounts/notifications/", views.preferences, name="account_notifications"),
    path(prefix + "due-date/", views.due_date, name="assessment_due_date"),
    path(prefix + "remind/", views.remind, name="assessment_remind"),
    path(
        "o/<uuid:org_id>/assessments/start/confirm/",
        views.start_confirm,
        name="assessment_start_confirm",
    ),
]
