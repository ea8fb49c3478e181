"""Benchmark distributions: peer quartiles per domain as a server-side SVG strip, peer groups by
ARR band, segment or industry, and the anonymity rules against an attacker who controls four of
five peers.

How the rules protect a victim peer (docs/benchmark.md says the same):
1. Peers never include an org the viewer's account belongs to, advises or created. An attacker
   whose account holds four of the five orgs in a group therefore sees one peer, below
   MIN_PEERS, and gets neither figures nor a count; and once five other owners exist, the
   figures do not move whatever the attacker's own orgs score, so nothing can be subtracted.
2. An attacker holding four peers through four other verified accounts is not the viewer, so
   rule 1 cannot see them. Against that, below DETAIL_PEERS peers the spread hides the minimum
   and maximum and rounds quartiles and median to ROUGH_STEP points: the victim's score is only
   known to within a ROUGH_STEP-point bucket."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.benchmark import (
    DETAIL_PEERS,
    MIN_PEERS,
    ROUGH_STEP,
    benchmark_compute,
    org_benchmark,
    peer_spread,
)
from assessment.charts import benchmark_strip
from orgs.models import Organization
from tests.benchmark.test_benchmark_page import BAND, PEER_MARK, get, text
from tests.history.helpers import submit
from tests.html import main_of


def test_no_spread_below_the_peer_threshold():
    assert peer_spread([10.0, 20.0, 30.0, 40.0]) is None


def test_few_peers_get_a_coarse_spread_without_extremes():
    spread = peer_spread([12.0, 33.0, 47.0, 71.0, 94.0])
    assert (spread.low, spread.high, spread.coarse) == (None, None, True)
    # inclusive quartiles of five values are the 2nd, 3rd and 4th, each rounded to 10 points
    assert (spread.q1, spread.median, spread.q3) == (30.0, 50.0, 70.0)
    assert all(v % ROUGH_STEP == 0 for v in (spread.q1, spread.median, spread.q3))


def test_enough_peers_get_exact_quartiles_and_extremes():
    scores = [float(v) for v in range(0, 100, 10)]  # ten peers: 0, 10, ..., 90
    spread = peer_spread(scores)
    assert len(scores) == DETAIL_PEERS
    assert (spread.low, spread.q1, spread.median, spread.q3, spread.high) == (
        0.0,
        22.5,
        45.0,
        67.5,
        90.0,
    )
    assert not spread.coarse


def test_sybil_attacker_with_four_known_peers_cannot_read_the_victims_exact_score():
    # Four peers the attacker controls through other accounts, at known scores; the victim is
    # the fifth and sits in the middle, where an exact median would be the victim's score.
    known = [10.0, 20.0, 80.0, 90.0]
    seen = set()
    for victim in (55.1, 58.3, 62.5, 64.9):  # one 10-point bucket around 60
        result = benchmark_compute([("d", "D", 50.0)], [{"d": s} for s in [*known, victim]])
        row = result.domains[0]
        seen.add(row.spread)
    assert len(seen) == 1, "different victim scores in one bucket must draw the same strip"
    (spread,) = seen
    assert spread.median == 60.0 and spread.low is None and spread.high is None


def test_the_strip_draws_a_band_median_and_marker_per_domain():
    result = benchmark_compute(
        [("a", "Alpha", 50.0), ("b", "Beta", None)],
        [{"a": float(v), "b": float(v)} for v in range(0, 100, 10)],
    )
    strip = benchmark_strip(result.domains)
    alpha, beta = strip.rows
    assert alpha.band_x < alpha.median_x < alpha.band_x + alpha.band_w
    assert alpha.whisker[0] == strip.x0 and alpha.marker_x is not None
    assert beta.marker_x is None  # no score of its own: the band alone
    assert "peers' middle half 22 to 68, median 45" in alpha.summary


@pytest.fixture
def attacker_world(personas, own, make_peers):
    """Org A's leader is the attacker: their account created four orgs in the band, beside one
    victim org with another owner."""
    attacker = personas.leader_a
    controlled = make_peers([1, 2, 4, 5])
    Organization.objects.filter(pk__in=[o.pk for o in controlled]).update(created_by=attacker)
    (victim,) = make_peers([3])
    return attacker, controlled, victim


def test_attacker_holding_four_of_five_peers_gets_no_figures_and_no_count(
    attacker_world, personas, client_for
):
    attacker, _, _ = attacker_world
    page = org_benchmark(org=personas.org_a, viewer=attacker)
    assert not page.shown and page.benchmark.domains == ()
    html = get(client_for, attacker, personas.org_a)
    assert "benchmark-strip" not in html and "Peer median" not in html
    message = text(re.search(r'class="empty-state benchmark-hidden">(.*?)</p>', html, re.S)[1])
    shown = message.replace("$5M–$20M", "").replace(f"at least {MIN_PEERS} ", "")
    assert not re.search(r"\d", shown)  # no count, not even 1


def test_attackers_own_orgs_never_move_the_figures(
    attacker_world, personas, make_peers, client_for, mini_version
):
    attacker, controlled, _ = attacker_world
    make_peers([2, 3, 4, 5])  # now five peers the attacker does not control
    before = main_of(get(client_for, attacker, personas.org_a))
    assert "against 5 peers" in before and "benchmark-strip" in before
    for org in controlled:  # the attacker resubmits all four at the top level
        submit(org, mini_version, attacker, 5)
    after = main_of(get(client_for, attacker, personas.org_a))
    assert after == before


@pytest.mark.parametrize("group", ["segment", "industry"])
def test_peer_groups_by_segment_or_industry_need_five_peers_of_their_own(
    own, make_peers, personas, client_for, group
):
    org_a = personas.org_a
    Organization.objects.filter(pk=org_a.pk).update(segment="mid-market", industry="Fintech")
    peers = make_peers([1, 2, 3, 4, 5])
    Organization.objects.exclude(pk=org_a.pk).update(segment="smb", industry="Retail")
    same = peers[:4]
    Organization.objects.filter(pk__in=[p.pk for p in same]).update(
        segment="mid-market", industry="fintech"
    )
    url = reverse("org_benchmark", args=[org_a.public_id]) + f"?group={group}"
    html = client_for(personas.leader_a).get(url).content.decode()
    assert "benchmark-strip" not in html and "Not enough peers yet in the" in html
    Organization.objects.filter(pk=peers[4].pk).update(segment="mid-market", industry="FINTECH")
    html = client_for(personas.leader_a).get(url).content.decode()
    assert "against 5 peers" in html and "benchmark-strip" in html
    assert 'aria-current="page"' in html and PEER_MARK.lower() not in html.lower()


def test_an_unknown_peer_group_falls_back_to_the_arr_band(own, make_peers, personas, client_for):
    make_peers([1, 2, 3, 4, 5])
    url = reverse("org_benchmark", args=[personas.org_a.public_id]) + "?group=<script>"
    html = client_for(personas.leader_a).get(url).content.decode()
    assert "against 5 peers" in html and "<script>" not in main_of(html)


def test_org_benchmark_refuses_an_unknown_group(personas):
    with pytest.raises(ValueError, match="Unknown peer group 'zip'"):
        org_benchmark(org=personas.org_a, group="zip")


@pytest.mark.parametrize("group", ["arr", "segment", "industry"])
def test_benchmark_queries_do_not_grow_with_the_peers(own, make_peers, personas, client_for, group):
    Organization.objects.update(segment="mid-market", industry="Fintech", arr_band=BAND)
    client = client_for(personas.leader_a)
    url = reverse("org_benchmark", args=[personas.org_a.public_id]) + f"?group={group}"
    counts = []
    for more in (MIN_PEERS, 3 * DETAIL_PEERS):
        make_peers([3] * more)
        Organization.objects.update(segment="mid-market", industry="Fintech")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_strip_renders_in_weasyprint_as_in_the_browser():
    # The same include the page uses, inside a bare PDF page: WeasyPrint draws SVG from
    # presentation attributes, so nothing depends on the app's stylesheet.
    from django.template.loader import render_to_string
    from weasyprint import HTML

    result = benchmark_compute([("a", "Alpha", 50.0)], [{"a": float(v)} for v in range(0, 100, 10)])
    svg = render_to_string(
        "includes/benchmark_strip.svg.html",
        {"strip": benchmark_strip(result.domains), "strip_title": "Peer quartiles"},
    )
    assert 'class="strip-band"' in svg and 'class="strip-marker"' in svg
    pdf = HTML(string=f"<html><body>{svg}</body></html>").write_pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
