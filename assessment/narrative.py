"""The executive summary's words, built by fixed rules from the result: no template logic, no
randomness, so the same result always reads the same. Pure functions over plain values; the
report (assessment/report.py) feeds them.

Rules (tests/report/test_narrative.py checks each at its boundary):
1. Stage sentence, always: where the org is, on both scales.
2. Strongest and weakest scored domain; when every scored domain lies within CLOSE_SPREAD points
   of the others, one sentence says they sit close together instead. No scored domain: said so.
3. What caps the stage: the first cap reason (and how many more) when capped; else that nothing
   does.
4. What to do first: the roadmap's first step; none left: every domain is at its target.
5. Only when it applies: a thin base (completeness under THIN_COMPLETENESS, or one respondent)
   makes the result provisional. At most five sentences, at least four.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from assessment.roadmap import DomainPlan
from assessment.scoring import STAGE_NAMES, phase_of

CLOSE_SPREAD = 10.0  # points between strongest and weakest below which no domain "stands out"
THIN_COMPLETENESS = 0.8  # share of questions answered below which the result is provisional
HIGHLIGHTS = 3  # strengths, gaps and priorities each


# A domain as the summary reads it: exactly the roadmap's domain plan (score, stage, target, gap).
DomainFact = DomainPlan


@dataclass(frozen=True)
class CapFact:
    kind: str  # "domain" (the weakest domain) or "gate" (a missing foundation practice)
    label: str
    caps_at: int
    domain_key: str  # the domain it sits in ("" when unknown)


@dataclass(frozen=True)
class Facts:
    org: str
    stage: int
    score_stage: int
    domains: tuple[DomainFact, ...]
    caps: tuple[CapFact, ...]
    first_steps: tuple[str, ...]  # roadmap step titles, in order
    completeness: float
    respondents: int


def _stage(stage: int) -> str:
    return f"{STAGE_NAMES[stage]} ({phase_of(stage)})"


def _scored(facts: Facts) -> list[DomainFact]:
    # Ties go by the questionnaire's order, so the words never depend on sorting luck.
    return [d for d in facts.domains if d.score is not None]


def strongest(facts: Facts) -> list[DomainFact]:
    return sorted(_scored(facts), key=lambda d: -d.score)


def narrative(facts: Facts) -> list[str]:
    """Four or five sentences for the executive summary."""
    sentences = [f"{facts.org} works at the {_stage(facts.stage)} stage, stage {facts.stage} of 5."]

    ranked = strongest(facts)
    if not ranked:
        sentences.append("No domain has enough answers to score.")
    elif len(ranked) == 1 or ranked[0].score - ranked[-1].score < CLOSE_SPREAD:
        low, high = ranked[-1].score, ranked[0].score
        sentences.append(
            f"Its domains sit close together (scores {low:.0f} to {high:.0f}), "
            "so no single area stands out."
        )
    else:
        best, worst = ranked[0], ranked[-1]
        sentences.append(
            f"{best.name} is its strongest domain ({best.score:.0f} of 100) and "
            f"{worst.name} its weakest ({worst.score:.0f})."
        )

    if facts.caps and facts.stage < facts.score_stage:
        first = facts.caps[0]
        more = len(facts.caps) - 1
        extra = f", with {more} more foundation{'s' if more > 1 else ''} missing" if more else ""
        what = (
            f"its weakest domain, {first.label}, holds it"
            if first.kind == "domain"
            else f"a missing foundation (\u201c{first.label.rstrip('.')}\u201d) holds it"
        )
        sentences.append(
            f"Its scores alone would say {STAGE_NAMES[facts.score_stage]}, but "
            f"{what} at {STAGE_NAMES[first.caps_at]}{extra}."
        )
    else:
        sentences.append("Nothing caps the stage: its foundations support what its scores say.")

    if facts.first_steps:
        sentences.append(f"Start with: {facts.first_steps[0].rstrip('.')}.")
    else:
        sentences.append("Every domain is at its target; raise a target to plan the next stage.")

    if facts.completeness < THIN_COMPLETENESS:
        sentences.append(
            f"Only {facts.completeness:.0%} of questions were answered: "
            "treat this result as provisional."
        )
    elif facts.respondents == 1:
        sentences.append("It rests on one person's answers; a second respondent would test it.")
    return sentences


def strengths(facts: Facts) -> list[DomainFact]:
    """The highest-scoring domains: three, or the top half when fewer than six are scored (so
    with two domains the weaker one is never called a strength)."""
    ranked = strongest(facts)
    return ranked[: min(HIGHLIGHTS, len(ranked) // 2 or len(ranked))]


def gaps(facts: Facts) -> list[DomainFact]:
    """Up to three lowest-scoring domains, never one already listed as a strength; a domain
    capping the stage comes first whatever its score."""
    strong = {d.key for d in strengths(facts)}
    capping = {c.domain_key for c in facts.caps}
    ranked = sorted(
        (d for d in _scored(facts) if d.key not in strong or d.key in capping),
        key=lambda d: (d.key not in capping, d.score),
    )
    return ranked[:HIGHLIGHTS]


def priorities(facts: Facts) -> list[str]:
    return list(facts.first_steps[:HIGHLIGHTS])


def domain_line(domain: DomainFact, *, capping: bool, regressed: bool) -> str:
    """One interpretive line for a domain's row."""
    if domain.score is None:
        return "Nobody answered here yet: unscored."
    if capping:
        line = "A missing foundation here caps the overall stage."
    elif domain.gap == 0:
        line = "At its target stage."
    elif domain.gap == 1:
        line = f"One stage below its target, {STAGE_NAMES[domain.target]}."
    else:
        line = f"{domain.gap} stages below its target, {STAGE_NAMES[domain.target]}: a priority."
    if regressed:
        line += " It slipped since last time."
    return line


def facts_from(*, org: str, result, plans: Sequence, cap_domains: Sequence[str], steps) -> Facts:
    """Plain facts from a scoring Result, the roadmap's domain plans and its step titles."""
    return Facts(
        org=org,
        stage=result.stage,
        score_stage=result.score_stage,
        domains=tuple(DomainFact(p.key, p.name, p.score, p.stage, p.target) for p in plans),
        caps=tuple(
            CapFact(r.kind, r.label, r.caps_at, domain)
            for r, domain in zip(result.cap_reasons, cap_domains, strict=True)
        ),
        first_steps=tuple(steps),
        completeness=result.completeness,
        respondents=result.respondents,
    )
