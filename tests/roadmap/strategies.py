"""Hypothesis strategies: plausible scoring results and action catalogs for roadmap tests."""

from hypothesis import strategies as st

from assessment.roadmap import ActionDef
from assessment.scoring import CapReason, DomainResult, Result, Thresholds, phase_of

TAGS = ("smb", "enterprise", "small-team", "scale-up")


@st.composite
def results(draw) -> Result:
    count = draw(st.integers(1, 8))
    thresholds = Thresholds()
    domains = []
    for n in range(count):
        score = draw(st.one_of(st.none(), st.integers(0, 1000).map(lambda x: x / 10)))
        stage = 1 if score is None else thresholds.stage_for(score)
        domains.append(DomainResult(f"d{n}", f"Domain {n}", score, stage, 1, 1))
    overall = draw(st.integers(0, 1000).map(lambda x: x / 10))
    score_stage = thresholds.stage_for(overall)
    weakest = min(d.stage for d in domains)
    stage = min(score_stage, weakest + 1)
    caps = tuple(
        CapReason("domain", d.key, d.name, d.stage + 1, "weak", "lift it")
        for d in domains
        if d.stage + 1 < score_stage
    )
    gate_caps = tuple(
        CapReason("gate", f"d{n}-q", "A gate", cap, "gate", "lift it")
        for n, cap in draw(
            st.lists(st.tuples(st.integers(0, count - 1), st.integers(1, 4)), max_size=2)
        )
        if cap < score_stage
    )
    if gate_caps:
        stage = min(stage, *(g.caps_at for g in gate_caps))
    return Result(
        domains=tuple(domains),
        overall_score=overall,
        score_stage=score_stage,
        score_phase=phase_of(score_stage),
        stage=stage,
        phase=phase_of(stage),
        cap_reasons=caps + gate_caps,
        data_gaps=(),
        alignment_gaps=(),
        completeness=1.0,
        respondents=1,
    )


@st.composite
def catalogs(draw, domain_keys) -> list[ActionDef]:
    # One draw per domain (a list of (stage, weeks, tags) triples) keeps generation cheap.
    action = st.tuples(
        st.integers(2, 5),
        st.integers(1, 30),
        st.lists(st.sampled_from(TAGS), max_size=2, unique=True),
    )
    actions = []
    for key in domain_keys:
        for n, (stage, weeks, tags) in enumerate(draw(st.lists(action, max_size=8))):
            actions.append(
                ActionDef(
                    key=f"{key}-{n}",
                    domain_key=key,
                    stage=stage,
                    title=f"Act {key} {n}",
                    why="why",
                    effort=f"{weeks} weeks",
                    effort_weeks=weeks,
                    tags=tuple(tags),
                )
            )
    return actions


@st.composite
def roadmap_inputs(draw):
    result = draw(results())
    actions = draw(catalogs([d.key for d in result.domains]))
    targets = draw(
        st.dictionaries(st.sampled_from([d.key for d in result.domains]), st.integers(1, 5))
    )
    tags = frozenset(draw(st.lists(st.sampled_from(TAGS), max_size=3)))
    return result, actions, targets, tags


QUESTION_DOMAINS = {f"d{n}-q": f"d{n}" for n in range(8)}
GATE_LEVELS = {f"d{n}-q": 2 + n % 3 for n in range(8)}
