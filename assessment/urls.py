from django.urls import path

from assessment import views

prefix = "o/<uuid:org_id>/a/<uuid:assessment_id>/"

urlpatterns = [
    path(
        "o/<uuid:org_id>/assessments/start/", views.assessment_start_view, name="assessment_start"
    ),
    path(prefix, views.assessment_resume, name="assessment_resume"),
    path(prefix + "d/<slug:domain_key>/", views.domain_page_view, name="assessment_domain"),
    path(prefix + "autosave/", views.autosave, name="assessment_autosave"),
    path(prefix + "review/", views.review, name="assessment_review"),
    path(prefix + "submit/", views.submit, name="assessment_submit"),
    path(prefix + "result/", views.result, name="assessment_result"),
    path(prefix + "targets/", views.targets_update, name="assessment_targets"),
    path(prefix + "report.pdf", views.report_pdf, name="assessment_pdf"),
]
