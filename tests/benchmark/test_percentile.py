"""The benchmark's pure rules: percentile position, peer median, the five-peer minimum."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.benchmark import (
    MIN_PEERS,
    Benchmark,
    benchmark_compute,
    percentile_position,
)

OWN = [("alpha", "Alpha Domain", 50.0), ("beta", "Beta Domain", 25.0)]


def peers(*alpha_scores: float, beta: float = 25.0) -> list[dict[str, float | None]]:
    return [{"alpha": score, "beta": beta} for score in alpha_scores]


def test_every_peer_below_puts_the_org_at_100():
    assert percentile_position(50.0, [0.0, 10.0, 25.0, 49.9, 12.5]) == 100.0


def test_every_peer_above_puts_the_org_at_0():
    assert percentile_position(50.0, [50.1, 75.0, 100.0, 62.5, 87.5]) == 0.0


def test_ties_count_half():
    assert percentile_position(50.0, [50.0] * 5) == 50.0
    # 1 below, 2 equal, 2 above: (1 + 2/2) / 5 = 40%.
    assert percentile_position(50.0, [25.0, 50.0, 50.0, 75.0, 100.0]) == 40.0
    # 3 below, 1 equal, 2 above: (3 + 0.5) / 6 = 58.3%.
    assert percentile_position(50.0, [0.0, 25.0, 37.5, 50.0, 75.0, 75.0]) == 58.3


def test_no_peer_scores_is_an_error_not_a_number():
    with pytest.raises(ValueError):
        percentile_position(50.0, [])


@settings(max_examples=50)
@given(
    st.floats(0, 100, allow_nan=False),
    st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=40),
)
def test_position_is_between_0_and_100_and_rises_with_the_score(score, scores):
    position = percentile_position(score, scores)
    assert 0 <= position <= 100
    assert percentile_position(min(100.0, score + 1), scores) >= position


def test_exactly_five_peers_are_shown():
    result = benchmark_compute(OWN, peers(0, 25, 50, 75, 100))
    assert MIN_PEERS == 5 and result.shown and result.peers == 5
    alpha, beta = result.domains
    assert (alpha.key, alpha.score, alpha.percentile, alpha.peer_median) == (
        "alpha",
        50.0,
        50.0,
        50.0,
    )
    assert alpha.versus_median == "at"
    assert (beta.percentile, beta.peer_median, beta.versus_median) == (50.0, 25.0, "at")


def test_four_peers_are_hidden_and_give_nothing_but_their_count():
    result = benchmark_compute(OWN, peers(0, 25, 50, 75))
    assert result == Benchmark(peers=4, domains=())
    assert not result.shown


def test_no_peers_at_all():
    assert benchmark_compute(OWN, []) == Benchmark(peers=0, domains=())


def test_median_of_an_even_number_of_peers_is_the_mean_of_the_middle_two():
    result = benchmark_compute(OWN, peers(0, 25, 50, 75, 100, 100))
    assert result.domains[0].peer_median == 62.5
    assert result.domains[0].versus_median == "below"


def test_a_domain_too_few_peers_have_a_score_for_gets_no_figures():
    rows = peers(10, 20, 30, 40, 50)
    rows[0]["beta"] = None
    del rows[1]["beta"]
    result = benchmark_compute(OWN, rows)
    assert result.shown
    assert result.domains[0].percentile == 90.0
    assert (result.domains[1].percentile, result.domains[1].peer_median) == (None, None)


def test_an_unscored_own_domain_has_a_median_but_no_position():
    result = benchmark_compute([("alpha", "Alpha Domain", None)], peers(0, 25, 50, 75, 100))
    assert result.domains[0].percentile is None and result.domains[0].peer_median == 50.0
    assert result.domains[0].versus_median == ""
