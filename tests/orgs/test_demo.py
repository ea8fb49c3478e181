"""The demo `make run` builds (orgs/demo.py): every demo org's benchmark page has figures, from
peers that each have their own owner account, and the command prints the port it serves."""

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from assessment.bank import bank_load
from assessment.benchmark import MIN_PEERS, org_benchmark, peer_orgs
from orgs.demo import CONSULTANT_EMAIL, DEMO_ORGS, PEERS_PER_BAND, demo_build, demo_build_peers
from orgs.models import Membership, Organization

CONTENT = Path(__file__).parents[2] / "assessment" / "content"


@pytest.fixture
def both_banks(db):
    """The banks `make run` loads: v1 (older demo results) and v2 (the current one)."""
    for name in ("cs-maturity-v1.yaml", "cs-maturity-v2.yaml"):
        bank_load(text=(CONTENT / name).read_text(encoding="utf-8"))


@pytest.fixture
def demo(both_banks):
    assert demo_build()
    return {demo.slug: Organization.objects.get(slug=demo.slug) for demo in DEMO_ORGS}


def _viewers(org):
    User = get_user_model()
    leader = Membership.objects.get(org=org, role=Membership.Role.LEADER).user
    return {
        "leader": leader,
        "consultant": User.objects.get(username=CONSULTANT_EMAIL),
        "staff": User.objects.get(is_staff=True),
    }


def test_every_demo_org_benchmark_shows_figures_to_everyone_who_may_see_it(demo):
    for org in demo.values():
        for who, viewer in _viewers(org).items():
            benchmark = org_benchmark(org=org, viewer=viewer)
            assert benchmark.shown, (org.slug, who, benchmark.hidden_reason)
            assert benchmark.benchmark.peers >= MIN_PEERS
            scored = [row for row in benchmark.rows if row.domain.score is not None]
            assert scored and all(row.domain.peer_median is not None for row in scored)


def test_the_benchmark_page_of_every_demo_org_shows_the_figures(demo, client):
    for org in demo.values():
        client.force_login(_viewers(org)["leader"])
        response = client.get(reverse("org_benchmark", args=[org.public_id]))
        assert response.status_code == 200 and response.context["page"].shown
        page = response.content.decode()
        assert "Not enough peers yet" not in page
        assert "Peer median" in page


def test_each_peer_has_its_own_owner_who_leads_it(demo):
    for band in {org.arr_band for org in demo.values()}:
        peers = Organization.objects.filter(arr_band=band, slug__startswith="peer-")
        owners = {org.created_by_id for org in peers}
        assert len(peers) == PEERS_PER_BAND and len(owners) == PEERS_PER_BAND
        for org in peers:
            assert Membership.objects.filter(
                org=org, user_id=org.created_by_id, role=Membership.Role.LEADER
            ).exists()
            assert org.assessments.filter(status="submitted").count() == 1
        consultant = get_user_model().objects.get(username=CONSULTANT_EMAIL)
        assert not peers.filter(assignments__consultant=consultant).exists()
    org = next(iter(demo.values()))
    assert peer_orgs(org=org).filter(slug__startswith="peer-").count() == PEERS_PER_BAND


def test_a_second_build_adds_no_peers(demo):
    before = Organization.objects.count()
    assert demo_build_peers() == 0 and not demo_build()
    assert Organization.objects.count() == before


def test_demo_data_prints_the_address_of_the_port_make_run_serves(both_banks, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert "Open http://127.0.0.1:8123/ and log in" in out.getvalue()
    monkeypatch.delenv("PORT")
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert "Open http://127.0.0.1:8000/ and log in" in out.getvalue()
    assert "Demo data already present." in out.getvalue()
