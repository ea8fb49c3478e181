from django.urls import reverse

from assessment.models import Assessment
from assessment.services import DRAFT_ALREADY_OPEN, NO_PUBLISHED_VERSION


def start_url(org):
    return reverse("assessment_start", args=[org.public_id])


def test_leader_starts_assessment_on_current_published_version(
    personas, client_for, default_version
):
    response = client_for(personas.leader_a).post(start_url(personas.org_a))
    assessment = Assessment.objects.get()
    assert assessment.version == default_version and assessment.is_draft
    assert response.status_code == 302


def test_consultant_starts_assessment_for_client(personas, client_for, default_version):
    client_for(personas.consultant_a).post(start_url(personas.org_a))
    assert Assessment.objects.get().started_by == personas.consultant_a


def test_member_cannot_start(personas, client_for, default_version):
    assert client_for(personas.member_a).post(start_url(personas.org_a)).status_code == 403
    assert not Assessment.objects.exists()


def test_second_open_draft_is_refused(personas, client_for, default_version):
    client = client_for(personas.leader_a)
    client.post(start_url(personas.org_a))
    response = client.post(start_url(personas.org_a), follow=True)
    assert DRAFT_ALREADY_OPEN in response.content.decode()
    assert Assessment.objects.count() == 1


def test_start_without_published_bank_says_so(personas, client_for):
    response = client_for(personas.leader_a).post(start_url(personas.org_a), follow=True)
    assert NO_PUBLISHED_VERSION in response.content.decode()
    assert not Assessment.objects.exists()


def test_get_to_start_is_not_allowed(personas, client_for, default_version):
    assert client_for(personas.leader_a).get(start_url(personas.org_a)).status_code == 405
    assert not Assessment.objects.exists()
