from django.urls import path

from plans import views

urlpatterns = [
    path("o/<uuid:org_id>/plan/", views.org_plan, name="org_plan"),
    path("o/<uuid:org_id>/plan.csv", views.plan_csv, name="plan_csv"),
    path("o/<uuid:org_id>/plan.ics", views.plan_ics, name="plan_ics"),
    path("o/<uuid:org_id>/a/<uuid:assessment_id>/adopt/", views.plan_adopt, name="plan_adopt"),
    path("o/<uuid:org_id>/plan/<uuid:item_id>/", views.plan_item_update, name="plan_item_update"),
    path(
        "o/<uuid:org_id>/plan/<uuid:item_id>/comment/",
        views.plan_item_comment,
        name="plan_item_comment",
    ),
]
