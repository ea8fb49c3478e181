"""Finding 7 of the security review (issue 11): staff could delete submitted assessments in the
admin. Submitted results are read-only there and cannot be deleted; drafts can."""

from django.urls import reverse

from assessment.models import Assessment
from tests.history.helpers import submit


def _changelist(client, pk):
    return client.post(
        reverse("admin:assessment_assessment_changelist"),
        {"action": "delete_selected", "_selected_action": [pk], "post": "yes"},
    )


def test_staff_cannot_delete_a_submitted_assessment_in_the_admin(
    personas, client_for, mini_version
):
    result = submit(personas.org_a, mini_version, personas.leader_a, 3)
    client = client_for(personas.staff)
    assert _changelist(client, result.pk).status_code == 403
    single = client.post(
        reverse("admin:assessment_assessment_delete", args=[result.pk]), {"post": "yes"}
    )
    assert single.status_code == 403
    assert Assessment.objects.filter(pk=result.pk, status=Assessment.Status.SUBMITTED).exists()


def test_staff_cannot_edit_a_submitted_assessment_in_the_admin(personas, client_for, mini_version):
    result = submit(personas.org_a, mini_version, personas.leader_a, 3)
    client = client_for(personas.staff)
    url = reverse("admin:assessment_assessment_change", args=[result.pk])
    page = client.get(url).content.decode()
    assert 'name="_save"' not in page  # the view-only page: no save button
    response = client.post(url, {"targets": '{"alpha": 5}'})
    assert response.status_code == 403
    result.refresh_from_db()
    assert result.targets == {}


def test_staff_may_still_delete_a_draft_in_the_admin(personas, client_for, mini_version):
    draft = Assessment.objects.create(
        org=personas.org_a, version=mini_version, started_by=personas.leader_a
    )
    response = _changelist(client_for(personas.staff), draft.pk)
    assert response.status_code == 302
    assert not Assessment.objects.filter(pk=draft.pk).exists()
