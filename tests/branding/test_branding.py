"""Whose brand a report carries (assessment/branding.py), and that client reports (HTML and
PDF), compare PDFs and share pages carry it."""

import base64
import logging
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from assessment.branding import STAGEWISE, branding_for, branding_for_comparison
from orgs.models import ConsultantAssignment
from tests.branding.helpers import firm_for
from tests.factories import AssignmentFactory, ConsultantFactory
from tests.history.helpers import submit
from tests.report.conftest import pdf_reader, url


def test_an_org_without_a_consultant_carries_stagewise(personas):
    assert branding_for(personas.org_b) == STAGEWISE
    assert STAGEWISE.logo_url is None and not STAGEWISE.is_firm


def test_a_consultant_without_a_firm_profile_leaves_stagewise(personas):
    assert branding_for(personas.org_a) == STAGEWISE


def test_the_assigned_consultants_firm_brands_the_org_with_its_logo_inline(personas):
    profile = firm_for(personas.consultant_a)
    branding = branding_for(personas.org_a)
    assert (branding.firm_name, branding.accent) == ("Northwind Advisory", "#1d4e89")
    prefix = "data:image/png;base64,"
    assert branding.logo_url.startswith(prefix)
    assert base64.b64decode(branding.logo_url[len(prefix) :]) == bytes(profile.logo)
    assert branding_for(personas.org_b) == STAGEWISE  # not assigned there


def test_with_several_firms_the_earliest_assignment_wins(personas):
    firm_for(personas.consultant_a, name="First Firm")
    later = ConsultantFactory().user
    AssignmentFactory(consultant=later, org=personas.org_a)
    firm_for(later, name="Second Firm")
    assert branding_for(personas.org_a).firm_name == "First Firm"
    earliest = ConsultantAssignment.objects.get(consultant=later, org=personas.org_a)
    ConsultantAssignment.objects.filter(pk=earliest.pk).update(
        created_at=earliest.created_at - timedelta(days=30)
    )
    assert branding_for(personas.org_a).firm_name == "Second Firm"


def test_a_consultant_without_a_profile_is_passed_over_for_one_with(personas):
    later = ConsultantFactory().user
    AssignmentFactory(consultant=later, org=personas.org_a)
    firm_for(later, name="Second Firm")
    assert branding_for(personas.org_a).firm_name == "Second Firm"


def test_a_revoked_assignment_takes_the_brand_away(personas):
    firm_for(personas.consultant_a)
    ConsultantAssignment.objects.filter(org=personas.org_a).delete()
    assert branding_for(personas.org_a) == STAGEWISE


def test_a_comparison_carries_the_firm_only_when_its_consultant_has_every_org(personas):
    firm_for(personas.consultant_a)
    AssignmentFactory(consultant=personas.consultant_a, org=personas.org_b)
    both = [personas.org_a, personas.org_b]
    assert branding_for_comparison(personas.consultant_a, both).firm_name == "Northwind Advisory"
    ConsultantAssignment.objects.filter(org=personas.org_b).delete()
    assert branding_for_comparison(personas.consultant_a, both) == STAGEWISE
    assert branding_for_comparison(personas.staff, both) == STAGEWISE


@pytest.fixture
def result_a(personas, mini_version):
    return submit(personas.org_a, mini_version, personas.leader_a, 3)


def test_the_report_page_carries_the_firm_band_logo_and_accent(personas, client_for, result_a):
    firm_for(personas.consultant_a)
    body = client_for(personas.leader_a).get(url("assessment_result", result_a)).content.decode()
    assert "Prepared by</span> Northwind Advisory" in body
    assert 'src="data:image/png;base64,' in body
    assert 'href="/brand/1d4e89.css"' in body


def test_a_leader_without_a_consultant_gets_the_plain_stagewise_page(
    personas, client_for, mini_version
):
    result = submit(personas.org_b, mini_version, personas.leader_b, 3)
    body = client_for(personas.leader_b).get(url("assessment_result", result)).content.decode()
    # The top bar is Stagewise's brand already: no second band on the page.
    assert 'class="brand-band' not in body
    assert "data:image/" not in body and "Prepared by" not in body
    assert 'href="/brand/0f5f7a.css"' in body


def first_page_images(pdf: bytes) -> int:
    page = pdf_reader(pdf).pages[0]
    return len(page.images)


def test_the_report_pdf_carries_the_firm_and_its_logo_and_fetches_nothing_else(
    personas, client_for, result_a, caplog
):
    client = client_for(personas.leader_a)
    plain = client.get(url("assessment_pdf", result_a)).content
    firm_for(personas.consultant_a)
    with caplog.at_level(logging.WARNING, logger="stagewise.pdf"):
        branded = client.get(url("assessment_pdf", result_a)).content
    assert not [r for r in caplog.records if "refused" in r.getMessage()]
    cover = " ".join(pdf_reader(branded).pages[0].extract_text().split())
    # The cover names the firm at its top and as who prepared the report.
    assert cover.startswith("Northwind Advisory") and "Prepared by" in cover
    assert cover.count("Northwind Advisory") >= 2
    assert first_page_images(branded) == first_page_images(plain) + 1
    assert "Northwind" not in pdf_reader(plain).pages[0].extract_text()


def test_a_branding_change_makes_a_new_pdf(personas, client_for, result_a):
    profile = firm_for(personas.consultant_a)
    client = client_for(personas.leader_a)
    before = client.get(url("assessment_pdf", result_a)).content
    profile.name = "Renamed Partners"
    profile.save()
    after = client.get(url("assessment_pdf", result_a)).content
    assert "Renamed Partners" in pdf_reader(after).pages[0].extract_text()
    assert before != after


def test_the_compare_pdf_carries_the_consultants_firm(personas, client_for, mini_version):
    firm_for(personas.consultant_a)
    AssignmentFactory(consultant=personas.consultant_a, org=personas.org_b)
    submit(personas.org_a, mini_version, personas.leader_a, 3)
    submit(personas.org_b, mini_version, personas.leader_b, 2)
    query = urlencode([("org", personas.org_a.public_id), ("org", personas.org_b.public_id)])
    response = client_for(personas.consultant_a).get(reverse("compare_pdf") + "?" + query)
    assert response.status_code == 200
    cover = " ".join(pdf_reader(response.content).pages[0].extract_text().split())
    assert cover.startswith("Northwind Advisory") and "Firm" in cover
    assert cover.count("Northwind Advisory") >= 2
    assert first_page_images(response.content) >= 1
