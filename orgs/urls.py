from django.urls import path

from assessment.views import exports as assessment_exports
from orgs.views import accounts, firm, org, portfolio, settings, tabs

urlpatterns = [
    path("", portfolio.home, name="home"),
    path("portfolio.csv", portfolio.portfolio_csv, name="portfolio_csv"),
    path("insight/", portfolio.insight, name="portfolio_insight"),
    path("insight.csv", portfolio.insight_csv, name="portfolio_insight_csv"),
    path("compare/", portfolio.compare, name="compare"),
    path("compare.csv", portfolio.compare_csv, name="compare_csv"),
    path("compare.pdf", portfolio.compare_pdf, name="compare_pdf"),
    path("accounts/settings/", settings.account_settings, name="account_settings"),
    path("firm/", firm.firm_profile, name="firm_profile"),
    path("firm/logo", firm.firm_logo, name="firm_logo"),
    path("brand/<str:accent>.css", firm.brand_css, name="brand_css"),
    path("invitations/<str:token>/", accounts.invitation_accept_view, name="invitation_accept"),
    path("orgs/new/", org.org_new, name="org_new"),
    path("o/<uuid:org_id>/", org.org_home, name="org_home"),
    path("o/<uuid:org_id>/profile/", org.org_profile, name="org_profile"),
    path("o/<uuid:org_id>/assessment/", tabs.org_assessment, name="org_assessment"),
    path("o/<uuid:org_id>/report/", tabs.org_report, name="org_report"),
    path("o/<uuid:org_id>/invitations/", org.invitation_new, name="invitation_new"),
    path(
        "o/<uuid:org_id>/invitations/<uuid:invitation_id>/revoke/",
        org.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path(
        "o/<uuid:org_id>/members/<int:membership_id>/remove/",
        org.member_remove,
        name="member_remove",
    ),
    path("o/<uuid:org_id>/consultants/", org.consultant_grant_view, name="consultant_grant"),
    path(
        "o/<uuid:org_id>/consultants/invitations/<uuid:invitation_id>/revoke/",
        org.consultant_invitation_revoke_view,
        name="consultant_invitation_revoke",
    ),
    path(
        "o/<uuid:org_id>/consultants/<int:assignment_id>/revoke/",
        org.consultant_revoke_view,
        name="consultant_revoke",
    ),
    path(
        "o/<uuid:org_id>/a/<uuid:assessment_id>/export.json",
        assessment_exports.export_json,
        name="assessment_export_json",
    ),
    path(
        "o/<uuid:org_id>/a/<uuid:assessment_id>/export.csv",
        assessment_exports.export_csv,
        name="assessment_export_csv",
    ),
]
