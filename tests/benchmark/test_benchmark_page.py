"""The peer benchmark (GET /o/<org>/benchmark/): who counts as a peer, what is shown or hidden,
that no peer is ever named, and a query count that does not grow with the peers. Who may see the
page is in the permission matrix (tests/security/)."""

import re
from html import unescape

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from assessment.bank import bank_load
from assessment.benchmark import DEFINITION, org_benchmark, peer_domain_scores
from assessment.models import Assessment
from orgs.models import Membership, Organization
from orgs.services import org_create
from tests.factories import AssignmentFactory, MembershipFactory, OrganizationFactory, UserFactory
from tests.history.helpers import submit
from tests.html import main_of

BAND = Organization.ArrBand.FROM_5M_TO_20M  # the personas' orgs are in this band
PEER_MARK = "Zanzibarquux"  # in every peer's org name, slug and people: must never show


def benchmark_url(org) -> str:
    return reverse("org_benchmark", args=[org.public_id])


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def table_rows(html: str) -> list[str]:
    match = re.search(r'<table class="[^"]*benchmark-table[^"]*">(.*?)</table>', html, re.S)
    assert match, "no benchmark table"
    return [text(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1), re.S)][1:]


@pytest.fixture
def make_peers(mini_version):
    """make_peers(levels, band=BAND, version=mini_version): one peer org per entry of `levels`,
    each with a leader and one submitted assessment at that level (or {domain: level})."""
    made = []

    def make(levels, *, band=BAND, version=None, days_ago=1):
        orgs = []
        for level in levels:
            n = len(made)
            org = OrganizationFactory(
                name=f"{PEER_MARK} Peer {n}", slug=f"{PEER_MARK.lower()}-{n}", arr_band=band
            )
            leader = MembershipFactory(
                org=org,
                role=Membership.Role.LEADER,
                user__email=f"{PEER_MARK.lower()}{n}@peer.example",
                user__first_name=f"{PEER_MARK}Person{n}",
            ).user
            # Each peer has its own owner: orgs created by one account count once.
            Organization.objects.filter(pk=org.pk).update(created_by=leader)
            org.created_by = leader
            submit(org, version or mini_version, leader, level, days_ago=days_ago)
            made.append(org)
            orgs.append(org)
        return orgs

    return make


@pytest.fixture
def own(personas, mini_version):
    """Org A's latest result: Alpha 50 (Predictive), Beta 25 (Proactive)."""
    return submit(personas.org_a, mini_version, personas.leader_a, {"alpha": 3, "beta": 2})


def get(client_for, user, org) -> str:
    response = client_for(user).get(benchmark_url(org))
    assert response.status_code == 200
    return response.content.decode()


def test_five_peers_show_percentile_median_and_count(own, make_peers, personas, client_for):
    # Alpha: peers at 0, 25, 50, 75, 100 → org A (50) at 50th, median 50.
    # Beta: peers at 0, 25, 50, 75, 100 → org A (25) at 30th ((1 + 0.5) / 5), median 50.
    make_peers([1, 2, 3, 4, 5])
    html = get(client_for, personas.leader_a, personas.org_a)
    assert "<title>Peer benchmark · Acme CS · Stagewise</title>" in html
    assert "Domain scores against 5 peers" in html
    assert table_rows(html) == [
        "Alpha Domain 50.0 Predictive 50.0 50 of 100 at the median",
        "Beta Domain 25.0 Proactive 50.0 30 of 100 below the median",
    ]
    assert DEFINITION in html
    assert '<th scope="col">Percentile position</th>' in html
    assert "<caption" in html


def test_the_page_never_names_or_links_a_peer(own, make_peers, personas, client_for):
    peers = make_peers([1, 2, 3, 4, 5, 2])
    # The leader, and a consultant following the org, see the same aggregates only.
    for viewer in (personas.leader_a, personas.consultant_a):
        html = get(client_for, viewer, personas.org_a)
        assert "against 6 peers" in html
        assert PEER_MARK.lower() not in html.lower()
        for org in peers:
            assert str(org.public_id) not in html and org.name not in html
        links = re.findall(r'href="([^"]+)"', html)
        assert all(str(personas.org_a.public_id) in link or "/o/" not in link for link in links)


def test_four_peers_hide_the_benchmark_and_say_why(own, make_peers, personas, client_for):
    make_peers([1, 2, 3, 4])
    html = get(client_for, personas.leader_a, personas.org_a)
    assert "benchmark-table" not in html and "Peer median" not in html
    message = text(re.search(r'class="empty-state benchmark-hidden">(.*?)</p>', html, re.S)[1])
    assert message.startswith("Not enough peers yet in the $5M–$20M ARR band.")
    assert "Peers are never named" in message
    assert "4" not in message
    assert PEER_MARK.lower() not in html.lower()


@pytest.mark.parametrize("count", [0, 1, 4])
def test_a_band_below_the_threshold_never_tells_how_many_peers_it_has(
    own, make_peers, personas, client_for, count
):
    make_peers([3] * count)
    page = text(get(client_for, personas.leader_a, personas.org_a))
    assert "Not enough peers yet" in page
    assert not re.search(r"\b(Only|No other)\b", page)
    assert f" {count} other" not in page and f"{count} peer" not in page


def test_peers_must_share_the_arr_band_and_the_questionnaire(
    own, make_peers, personas, client_for, mini_bank_text
):
    other_bank, _ = bank_load(text=mini_bank_text.replace("slug: mini\n", "slug: other-mini\n"))
    assert other_bank.questionnaire_id != own.version.questionnaire_id
    make_peers([2, 3, 4, 5])
    make_peers([1, 1, 1], band=Organization.ArrBand.OVER_100M)
    make_peers([1, 1], band="")
    make_peers([1, 1], version=other_bank)
    html = get(client_for, personas.leader_a, personas.org_a)
    assert "Not enough peers yet" in text(html)
    scores = peer_domain_scores(org=personas.org_a, questionnaire_id=own.version.questionnaire_id)
    assert len(scores) == 4


def test_peers_on_another_version_of_the_questionnaire_count_by_domain_key(
    own, make_peers, personas, client_for, mini_bank_text
):
    version_2, _ = bank_load(text=mini_bank_text.replace("\nversion: 1\n", "\nversion: 2\n"))
    assert version_2.number == 2 and version_2.questionnaire_id == own.version.questionnaire_id
    make_peers([2, 3])
    make_peers([4, 5, 5], version=version_2)

    benchmark = org_benchmark(org=personas.org_a, viewer=personas.leader_a)

    assert benchmark.benchmark.shown and benchmark.benchmark.peers == 5
    assert [d.key for d in benchmark.benchmark.domains] == ["alpha", "beta"]


def test_only_each_peers_latest_assessment_counts(own, make_peers, personas, client_for):
    peers = make_peers([1, 1, 1, 1, 1], days_ago=10)
    # One peer improves to Embedded later: its older Reactive result no longer counts.
    leader = peers[0].memberships.get().user
    submit(peers[0], own.version, leader, 5, days_ago=2)
    # A peer's open draft never counts.
    Assessment.objects.create(org=peers[1], version=own.version, started_by=leader)
    scores = peer_domain_scores(org=personas.org_a, questionnaire_id=own.version.questionnaire_id)
    assert sorted(s["alpha"] for s in scores) == [0.0, 0.0, 0.0, 0.0, 100.0]
    html = get(client_for, personas.leader_a, personas.org_a)
    assert "against 5 peers" in html
    # Alpha 50: four peers below, one above → 80.
    assert table_rows(html)[0] == "Alpha Domain 50.0 Predictive 0.0 80 of 100 above the median"


def test_the_orgs_own_assessments_never_count_as_peers(personas, make_peers, client_for, own):
    # Org A's older results, and org B (same band) without any result, are no peers.
    submit(personas.org_a, own.version, personas.leader_a, 1, days_ago=50)
    submit(personas.org_a, own.version, personas.leader_a, 5, days_ago=40)
    make_peers([1, 2, 3, 4])
    assert (
        len(peer_domain_scores(org=personas.org_a, questionnaire_id=own.version.questionnaire_id))
        == 4
    )
    assert "Not enough peers yet" in text(get(client_for, personas.leader_a, personas.org_a))


def test_the_orgs_latest_assessment_is_the_one_benchmarked(personas, make_peers, own):
    submit(personas.org_a, own.version, personas.leader_a, 5, days_ago=30)  # older
    make_peers([1, 2, 3, 4, 5])
    result = org_benchmark(org=personas.org_a)
    assert result.assessment == own
    assert [row.domain.score for row in result.rows] == [50.0, 25.0]


def test_without_an_arr_band_the_leader_is_sent_to_the_profile(
    own, make_peers, personas, client_for
):
    Organization.objects.filter(pk=personas.org_a.pk).update(arr_band="")
    make_peers([1, 2, 3, 4, 5], band="")
    html = get(client_for, personas.leader_a, personas.org_a)
    assert "Acme CS has no ARR band set" in text(html)
    assert f'<a href="{reverse("org_profile", args=[personas.org_a.public_id])}">' in html
    assert "benchmark-table" not in html


def test_without_an_arr_band_a_member_is_told_who_can_set_it(own, personas, client_for):
    Organization.objects.filter(pk=personas.org_a.pk).update(arr_band="")
    html = get(client_for, personas.member_a, personas.org_a)
    assert "has no ARR band set" in html
    assert "A leader of Acme CS can set it in the profile." in html
    assert reverse("org_profile", args=[personas.org_a.public_id]) not in html


def test_without_a_submitted_assessment_there_is_nothing_to_compare(personas, client_for):
    html = get(client_for, personas.leader_a, personas.org_a)
    assert "Submit a first assessment to see how Acme CS compares with its peers." in html


# Session, user, the org with the roles, the org's latest result, all peers' scores, and the top
# bar's org switcher (one query, whatever the number of orgs).
BENCHMARK_PAGE_QUERIES = 6


def test_query_count_does_not_grow_with_the_number_of_peers(
    own, make_peers, personas, client_for, django_assert_max_num_queries
):
    client = client_for(personas.leader_a)
    make_peers([1, 2, 3, 4, 5, 3])
    with django_assert_max_num_queries(BENCHMARK_PAGE_QUERIES) as with_6:
        assert "against 6 peers" in client.get(benchmark_url(personas.org_a)).content.decode()
    make_peers([1 + i % 5 for i in range(24)])
    with django_assert_max_num_queries(BENCHMARK_PAGE_QUERIES) as with_30:
        assert "against 30 peers" in client.get(benchmark_url(personas.org_a)).content.decode()
    assert len(with_6) == len(with_30)


def test_the_org_home_links_to_history_and_benchmark_once_a_result_exists(
    personas, client_for, mini_version
):
    history = reverse("org_history", args=[personas.org_a.public_id])
    benchmark = benchmark_url(personas.org_a)
    # The org tabs link to both pages all along (they have empty states); the page's own body
    # points to them only once there is something to see.
    html = client_for(personas.leader_a).get(reverse("org_home", args=[personas.org_a.public_id]))
    body = main_of(html.content.decode())
    assert history not in body and benchmark not in body
    submit(personas.org_a, mini_version, personas.leader_a, 3)
    html = client_for(personas.leader_a).get(reverse("org_home", args=[personas.org_a.public_id]))
    body = main_of(html.content.decode())
    assert f'<a href="{history}">History and trend</a>' in body
    assert f'<a href="{benchmark}">Peer benchmark</a>' in body


# --- finding 4 of the security review (issue 11): peers are distinct owners -------------------


def _attacker_orgs(attacker, version, levels):
    """Orgs created by one account in the victim's band, each with a submitted result."""
    orgs = []
    for n, level in enumerate(levels):
        org = org_create(name=f"Sock puppet {n}", created_by=attacker, arr_band=BAND)
        submit(org, version, attacker, level)
        orgs.append(org)
    return orgs


def test_attacker_with_five_orgs_in_the_victims_band_cannot_read_the_victims_scores(
    own, personas, client_for, mini_version
):
    """One account creates five orgs in the band (two answering all level 1, two all level 5,
    one to look from); the victim (org A) is the only real peer. The old median was the victim's
    own scores; now the attacker's own orgs never count for them, so there is no benchmark."""
    Organization.objects.filter(pk=personas.org_a.pk).update(created_by=personas.leader_a)
    attacker = UserFactory()
    *puppets, viewer_org = _attacker_orgs(attacker, mini_version, [1, 1, 5, 5, 3])
    html = get(client_for, attacker, viewer_org)
    assert "benchmark-table" not in html and "Peer median" not in html
    assert "Not enough peers yet" in text(html)
    scores = peer_domain_scores(
        org=viewer_org, questionnaire_id=own.version.questionnaire_id, viewer=attacker
    )
    assert scores == [{"alpha": 50.0, "beta": 25.0}]  # the victim alone: far below five


def test_orgs_created_by_one_account_count_as_one_peer(own, personas, make_peers, mini_version):
    attacker = UserFactory()
    _attacker_orgs(attacker, mini_version, [1, 1, 5, 5])
    make_peers([2, 3, 4])
    scores = peer_domain_scores(
        org=personas.org_a, questionnaire_id=own.version.questionnaire_id, viewer=personas.leader_a
    )
    assert len(scores) == 4  # three real peers and the attacker once
    result = org_benchmark(org=personas.org_a, viewer=personas.leader_a)
    assert not result.shown


def test_one_owners_peer_is_their_most_recently_submitted_result(own, personas, mini_version):
    owner = UserFactory()
    older, newer = _attacker_orgs(owner, mini_version, [1, 5])
    Assessment.objects.filter(org=older).update(submitted_at=own.submitted_at)
    scores = peer_domain_scores(org=personas.org_a, questionnaire_id=own.version.questionnaire_id)
    assert scores == [{"alpha": 100.0, "beta": 100.0}]


def test_orgs_the_viewer_belongs_to_or_advises_never_count_as_peers(
    own, personas, make_peers, mini_version
):
    peers = make_peers([1, 2, 3, 4, 5])
    AssignmentFactory(consultant=personas.consultant_a, org=peers[0])
    MembershipFactory(org=peers[1], user=personas.consultant_a)
    seen_by_leader = peer_domain_scores(
        org=personas.org_a, questionnaire_id=own.version.questionnaire_id, viewer=personas.leader_a
    )
    seen_by_consultant = peer_domain_scores(
        org=personas.org_a,
        questionnaire_id=own.version.questionnaire_id,
        viewer=personas.consultant_a,
    )
    assert len(seen_by_leader) == 5 and len(seen_by_consultant) == 3


def test_an_org_without_an_owner_account_is_no_peer(own, personas, make_peers):
    peers = make_peers([1, 2, 3, 4, 5])
    Organization.objects.filter(pk=peers[0].pk).update(created_by=None)
    assert (
        len(peer_domain_scores(org=personas.org_a, questionnaire_id=own.version.questionnaire_id))
        == 4
    )


def test_a_peer_whose_owner_is_unverified_does_not_count(own, personas, make_peers, client_for):
    """Unconfirmed sign-ups cost nothing, so they never help reach the peer threshold."""
    peers = make_peers([1, 2, 3, 4, 5])
    assert "against 5 peers" in get(client_for, personas.leader_a, personas.org_a)
    EmailAddress.objects.filter(user=peers[0].created_by).update(verified=False)
    scores = peer_domain_scores(org=personas.org_a, questionnaire_id=own.version.questionnaire_id)
    assert len(scores) == 4
    html = get(client_for, personas.leader_a, personas.org_a)
    assert "benchmark-table" not in html and "Not enough peers yet" in text(html)


def test_a_peer_owner_counts_by_a_verified_primary_address_only(own, personas, make_peers):
    """A verified second address does not stand in for an unconfirmed primary one."""
    peers = make_peers([1, 2, 3, 4, 5])
    owner = peers[0].created_by
    EmailAddress.objects.filter(user=owner).update(verified=False)
    EmailAddress.objects.create(user=owner, email="second@peer.example", verified=True)
    scores = peer_domain_scores(org=personas.org_a, questionnaire_id=own.version.questionnaire_id)
    assert len(scores) == 4
