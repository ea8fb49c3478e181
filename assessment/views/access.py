"""Loading an assessment from the URL, through its org's permission check."""

from django.shortcuts import get_object_or_404

from orgs.permissions import OrgAccess, Perm, org_for_user


def load_assessment(user, org_id, assessment_id, perm: Perm):
    """(access, assessment): the org through the permission layer, then the assessment through
    the org, so an id from another org answers 404."""
    access: OrgAccess = org_for_user(user, org_id, perm)
    assessment = get_object_or_404(
        access.org.assessments.select_related("version__questionnaire"), public_id=assessment_id
    )
    return access, assessment


def url_args(assessment) -> dict:
    return {"org_id": assessment.org.public_id, "assessment_id": assessment.public_id}
