"""The executive summary's narrative rules (assessment/narrative.py), each at its boundary."""

import pytest

from assessment.narrative import (
    CLOSE_SPREAD,
    THIN_COMPLETENESS,
    CapFact,
    DomainFact,
    Facts,
    domain_line,
    gaps,
    narrative,
    priorities,
    strengths,
)


def facts(**changes) -> Facts:
    base = {
        "org": "Acme",
        "stage": 3,
        "score_stage": 3,
        "domains": (
            DomainFact("a", "Alpha", 70.0, 4, 5),
            DomainFact("b", "Beta", 45.0, 3, 4),
            DomainFact("c", "Gamma", 40.0, 3, 4),
        ),
        "caps": (),
        "first_steps": ("Write the tiers down", "Build a health score"),
        "completeness": 1.0,
        "respondents": 2,
    }
    return Facts(**{**base, **changes})


def two_domains(low: float, high: float) -> tuple[DomainFact, ...]:
    return (DomainFact("a", "Alpha", high, 3, 4), DomainFact("b", "Beta", low, 3, 4))


def test_the_narrative_opens_with_the_stage_on_both_scales():
    assert narrative(facts())[0] == "Acme works at the Predictive (Run) stage, stage 3 of 5."


def test_a_spread_just_at_the_threshold_names_the_strongest_and_weakest_domain():
    text = narrative(facts(domains=two_domains(40.0, 40.0 + CLOSE_SPREAD)))[1]
    assert text == "Alpha is its strongest domain (50 of 100) and Beta its weakest (40)."


def test_a_spread_just_below_the_threshold_says_no_domain_stands_out():
    text = narrative(facts(domains=two_domains(40.0, 40.0 + CLOSE_SPREAD - 0.1)))[1]
    assert text == "Its domains sit close together (scores 40 to 50), so no single area stands out."


def test_no_scored_domain_is_said_plainly():
    domains = (DomainFact("a", "Alpha", None, 1, 2),)
    assert narrative(facts(domains=domains))[1] == "No domain has enough answers to score."


def test_an_uncapped_result_says_nothing_caps_it():
    assert narrative(facts())[2] == (
        "Nothing caps the stage: its foundations support what its scores say."
    )


def test_a_capped_result_names_the_first_missing_foundation_and_counts_the_rest():
    caps = (CapFact("gate", "Customer tiers", 2, "a"), CapFact("gate", "Onboarding", 2, "b"))
    text = narrative(facts(stage=2, score_stage=3, caps=caps))[2]
    assert text == (
        "Its scores alone would say Predictive, but a missing foundation "
        "(\u201cCustomer tiers\u201d) holds it at Proactive, with 1 more foundation missing."
    )


def test_a_weakest_domain_cap_is_named_as_a_domain():
    caps = (CapFact("domain", "Beta", 2, "b"),)
    text = narrative(facts(stage=2, score_stage=3, caps=caps))[2]
    assert "its weakest domain, Beta, holds it at Proactive." in text


def test_a_cap_reason_without_a_lower_stage_does_not_read_as_capped():
    # The boundary: a reason that allows the score's own stage caps nothing.
    caps = (CapFact("gate", "Customer tiers", 3, "a"),)
    assert narrative(facts(caps=caps))[2].startswith("Nothing caps the stage")


def test_the_first_roadmap_step_is_what_to_do_first():
    assert narrative(facts())[3] == "Start with: Write the tiers down."


def test_an_empty_roadmap_says_every_domain_is_at_its_target():
    assert narrative(facts(first_steps=()))[3].startswith("Every domain is at its target")


def test_completeness_just_below_the_threshold_makes_the_result_provisional():
    sentences = narrative(facts(completeness=THIN_COMPLETENESS - 0.01))
    assert len(sentences) == 5
    assert sentences[4] == "Only 79% of questions were answered: treat this result as provisional."


def test_completeness_at_the_threshold_with_several_respondents_adds_nothing():
    assert len(narrative(facts(completeness=THIN_COMPLETENESS))) == 4


def test_one_respondent_asks_for_a_second():
    sentences = narrative(facts(respondents=1))
    assert sentences[4] == "It rests on one person's answers; a second respondent would test it."


@pytest.mark.parametrize("respondents", [1, 2])
@pytest.mark.parametrize("completeness", [0.5, 1.0])
def test_the_narrative_has_four_or_five_sentences(respondents, completeness):
    assert 4 <= len(narrative(facts(respondents=respondents, completeness=completeness))) <= 5


def test_strengths_are_the_three_highest_and_gaps_never_repeat_them():
    domains = tuple(
        DomainFact(k, k.upper(), s, 3, 4)
        for k, s in zip("abcdef", [90, 80, 70, 60, 50, 40], strict=True)
    )
    subject = facts(domains=domains)
    assert [d.key for d in strengths(subject)] == ["a", "b", "c"]
    assert [d.key for d in gaps(subject)] == ["f", "e", "d"]


def test_with_few_domains_the_top_half_are_strengths_and_the_rest_gaps():
    subject = facts(domains=two_domains(40.0, 60.0))
    assert [d.key for d in strengths(subject)] == ["a"]
    assert [d.key for d in gaps(subject)] == ["b"]
    five = tuple(DomainFact(k, k, s, 3, 4) for k, s in zip("abcde", [9, 8, 7, 6, 5], strict=True))
    assert [d.key for d in strengths(facts(domains=five))] == ["a", "b"]
    assert [d.key for d in gaps(facts(domains=five))] == ["e", "d", "c"]


def test_a_single_scored_domain_is_a_strength_and_no_gap():
    subject = facts(domains=(DomainFact("a", "Alpha", 50.0, 3, 4),))
    assert [d.key for d in strengths(subject)] == ["a"]
    assert gaps(subject) == []


def test_a_capping_domain_leads_the_gaps_whatever_its_score():
    domains = tuple(
        DomainFact(k, k.upper(), s, 3, 4)
        for k, s in zip("abcde", [90, 80, 70, 60, 50], strict=True)
    )
    subject = facts(domains=domains, caps=(CapFact("gate", "Tiers", 2, "b"),), stage=2)
    assert [d.key for d in gaps(subject)][0] == "b"


def test_priorities_are_the_first_three_roadmap_steps():
    subject = facts(first_steps=("one", "two", "three", "four"))
    assert priorities(subject) == ["one", "two", "three"]


@pytest.mark.parametrize(
    ("stage", "target", "expected"),
    [
        (4, 4, "At its target stage."),
        (3, 4, "One stage below its target, Strategic."),
        (2, 4, "2 stages below its target, Strategic: a priority."),
    ],
)
def test_a_domain_line_says_how_far_below_its_target_it_is(stage, target, expected):
    line = domain_line(
        DomainFact("a", "Alpha", 50.0, stage, target), capping=False, regressed=False
    )
    assert line == expected


def test_a_capping_or_unscored_or_regressed_domain_line_says_so():
    scored = DomainFact("a", "Alpha", 50.0, 3, 4)
    assert domain_line(scored, capping=True, regressed=False).startswith("A missing foundation")
    assert domain_line(scored, capping=False, regressed=True).endswith(
        "It slipped since last time."
    )
    unscored = DomainFact("a", "Alpha", None, 1, 2)
    assert domain_line(unscored, capping=True, regressed=True) == (
        "Nobody answered here yet: unscored."
    )
