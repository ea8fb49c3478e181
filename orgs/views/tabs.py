"""The org tabs that have no page of their own: Assessment and Report lead to the open draft and
the latest result, or say plainly that there is none yet and what to do about it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from assessment.selectors import open_draft, submitted_assessments
from orgs.permissions import Perm, org_for_user


@login_required
@require_GET
def org_assessment(request, org_id):
    access = org_for_user(request.user, org_id, Perm.VIEW)
    draft = open_draft(access.org)
    if draft is not None:
        return redirect(
            "assessment_resume", org_id=access.org.public_id, assessment_id=draft.public_id
        )
    return render(
        request,
        "orgs/tab_empty.html",
        {"access": access, "org": access.org, "tab": "assessment"},
    )


@login_required
@require_GET
def org_report(request, org_id):
    access = org_for_user(request.user, org_id, Perm.VIEW)
    latest = submitted_assessments(access.org).only("public_id").first()
    if latest is not None:
        return redirect(
            "assessment_result", org_id=access.org.public_id, assessment_id=latest.public_id
        )
    has_draft = open_draft(access.org) is not None
    return render(
        request,
        "orgs/tab_empty.html",
        {"access": access, "org": access.org, "tab": "report", "has_draft": has_draft},
    )
