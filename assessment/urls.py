from django.urls import path

from assessment.views import benchmark, calibration, history, questionnaire, report, share

prefix = "o/<uuid:org_id>/a/<uuid:assessment_id>/"

urlpatterns = [
    path(
        "o/<uuid:org_id>/assessments/start/",
        questionnaire.assessment_start_view,
        name="assessment_start",
    ),
    path("o/<uuid:org_id>/history/", history.org_history, name="org_history"),
    path("o/<uuid:org_id>/benchmark/", benchmark.org_benchmark_view, name="org_benchmark"),
    path(prefix, questionnaire.assessment_resume, name="assessment_resume"),
    path(prefix + "d/<slug:domain_key>/", questionnaire.domain_page_view, name="assessment_domain"),
    path(prefix + "autosave/", questionnaire.autosave, name="assessment_autosave"),
    path(prefix + "review/", questionnaire.review, name="assessment_review"),
    path(prefix + "submit/", questionnaire.submit, name="assessment_submit"),
    path(prefix + "calibrate/", calibration.calibrate, name="assessment_calibrate"),
    path(
        prefix + "respondents/exclude/",
        questionnaire.respondent_exclude,
        name="assessment_respondent_exclude",
    ),
    path(prefix + "result/", report.result, name="assessment_result"),
    path(prefix + "targets/", report.targets_update, name="assessment_targets"),
    path(prefix + "report.pdf", report.report_pdf, name="assessment_pdf"),
    path(prefix + "shares/", share.share_links, name="share_links"),
    path(
        prefix + "shares/<int:link_id>/revoke/",
        share.share_link_revoke,
        name="share_link_revoke",
    ),
    # Outside the org's URL space: the token alone names the report.
    path("s/<str:token>/", share.share_view, name="share_view"),
]
