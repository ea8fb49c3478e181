"""Benchmark of an org's latest result against its peers: other orgs in the same ARR band (or,
as the viewer chooses, the same segment or industry: `GROUPS`), each
on its latest submitted assessment of the same questionnaire, in any of its versions: results line
up by domain key, so a peer assessed on v1 still counts for an org on v2 and the other way round
(every version of the default bank has the same eight domains).

Only aggregates ever leave this module (percentile position, peer median, number of peers), and
only when at least MIN_PEERS peers exist, so no peer can be named or singled out. Below that,
not even the count is told: a count per band is itself something to learn about competitors.
The percentile and median rules are pure functions (plain lists in, dataclasses out); the
selector at the bottom fetches what they need in a constant number of queries.

Who counts as a peer (`peer_orgs`): a peer is an *owner*, the account that created an org, not
an org. One account creating five orgs in a band must not be able to surround a victim with
known scores and read the victim's figures off the median (security review, issue 11), so:
- each owner counts once, with the most recently submitted result among their orgs (ties:
  the later assessment id), which is a deterministic choice;
- an org without an owner account (the creator was deleted), or whose owner has not verified
  their primary email address, does not count;
- no org the viewer belongs to or consults for, nor any org created by the viewer or by the
  benchmarked org's owner, ever counts: the viewer knows those scores and could subtract them.
"""

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from assessment.models import Assessment
from orgs.models import ConsultantAssignment, Membership, Organization

MIN_PEERS = 5
# Below this many peers the spread is coarse: quartiles rounded to ROUGH_STEP points and no
# minimum or maximum (see `peer_spread`).
DETAIL_PEERS = 10
ROUGH_STEP = 10

# Peer groups: the org field peers must share with the org, and how the page names the group.
GROUPS = {
    "arr": ("arr_band", "ARR band"),
    "segment": ("segment", "segment"),
    "industry": ("industry", "industry"),
}
DEFAULT_GROUP = "arr"

NO_ASSESSMENT = "Submit a first assessment to see how {org} compares with its peers."
NO_GROUP_VALUE = (
    "Peers are organizations in the same {group}, and {org} has no {group} set, "
    "so there is no peer group to compare with."
)
TOO_FEW_IN_GROUP = (
    "Not enough peers yet in the {value} {group}. The benchmark appears once at least "
    "{minimum} organizations with different owners have a submitted assessment on this "
    "questionnaire, so that no single peer can be singled out. Peers are never named, "
    "and how many there are is not shown until then."
)
NO_ARR_BAND = (
    "Peers are organizations in the same ARR band, and {org} has no ARR band set, "
    "so there is no peer group to compare with."
)
TOO_FEW_PEERS = (
    "Not enough peers yet in the {band} ARR band. The benchmark appears once at least "
    "{minimum} organizations with different owners have a submitted assessment on this "
    "questionnaire, so that no single peer can be singled out. Peers are never named, "
    "and how many there are is not shown until then."
)
DEFINITION = (
    "Percentile position: the percentage of peers whose domain score is below yours, "
    "plus half of those with exactly your score. 50 is the middle of the peer group; "
    "100 means every peer scores lower."
)


# --- pure rules -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """Peer quartiles in one domain. `low` and `high` (minimum and maximum) are None, and the
    quartiles coarse, while the peers are fewer than DETAIL_PEERS."""

    low: float | None
    q1: float
    median: float
    q3: float
    high: float | None
    coarse: bool


@dataclass(frozen=True)
class DomainBenchmark:
    key: str
    name: str
    score: float | None
    percentile: float | None  # None when the org or too few peers have a score here
    peer_median: float | None
    spread: Spread | None = None

    @property
    def versus_median(self) -> str:
        if self.score is None or self.peer_median is None:
            return ""
        if self.score == self.peer_median:
            return "at"
        return "above" if self.score > self.peer_median else "below"


@dataclass(frozen=True)
class Benchmark:
    peers: int
    domains: tuple[DomainBenchmark, ...]  # empty unless shown

    @property
    def shown(self) -> bool:
        return self.peers >= MIN_PEERS


def percentile_position(score: float, peer_scores: Sequence[float]) -> float:
    """Percentage of peer scores strictly below `score`, plus half of those equal to it."""
    if not peer_scores:
        raise ValueError("percentile_position needs at least one peer score")
    below = sum(1 for s in peer_scores if s < score)
    equal = sum(1 for s in peer_scores if s == score)
    return round(100 * (below + equal / 2) / len(peer_scores), 1)


def _rough(value: float) -> float:
    return float(ROUGH_STEP * round(value / ROUGH_STEP))


def peer_spread(scores: Sequence[float]) -> Spread | None:
    """Quartiles of peer scores, or None below MIN_PEERS.

    Why coarse below DETAIL_PEERS: with five peers, the exact minimum, quartiles and maximum are
    each one peer's score, so the five figures would spell out all five scores. Someone who
    controls four of those peers through other accounts (the viewer's own orgs never count)
    would then read the fifth, the victim's, exactly. So with fewer than DETAIL_PEERS peers the
    extremes are withheld and the quartiles rounded to ROUGH_STEP points: that attacker learns
    at most which ROUGH_STEP-point bucket the victim's score falls in, never the score. (The
    table's peer median stays exact, as before this chart; docs/benchmark.md.)"""
    if len(scores) < MIN_PEERS:
        return None
    q1, median, q3 = statistics.quantiles(scores, n=4, method="inclusive")
    if len(scores) < DETAIL_PEERS:
        return Spread(None, _rough(q1), _rough(median), _rough(q3), None, coarse=True)
    return Spread(
        round(min(scores), 1),
        round(q1, 1),
        round(median, 1),
        round(q3, 1),
        round(max(scores), 1),
        coarse=False,
    )


def benchmark_compute(
    own: Sequence[tuple[str, str, float | None]],
    peers: Sequence[Mapping[str, float | None]],
    *,
    min_peers: int = MIN_PEERS,
) -> Benchmark:
    """`own` is (domain key, name, score) in display order; `peers` holds one mapping of
    domain key -> score per peer. With fewer than `min_peers` peers nothing but the count comes
    back; a domain that fewer than `min_peers` peers have a score for gets no figures."""
    if len(peers) < min_peers:
        return Benchmark(peers=len(peers), domains=())
    rows = []
    for key, name, score in own:
        scores = [p[key] for p in peers if p.get(key) is not None]
        enough = len(scores) >= min_peers
        rows.append(
            DomainBenchmark(
                key=key,
                name=name,
                score=score,
                percentile=percentile_position(score, scores)
                if enough and score is not None
                else None,
                peer_median=round(statistics.median(scores), 1) if enough else None,
                spread=peer_spread(scores),
            )
        )
    return Benchmark(peers=len(peers), domains=tuple(rows))


# --- selector ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchmarkRow:
    domain: DomainBenchmark
    stage: int | None  # the org's own stage in the domain, from its snapshot


@dataclass(frozen=True)
class OrgBenchmark:
    """What the benchmark page shows for one org: the figures, or why they are hidden."""

    org: object
    assessment: Assessment | None  # the org's latest submitted assessment
    benchmark: Benchmark | None  # None without an assessment or an ARR band
    hidden_reason: str
    rows: tuple[BenchmarkRow, ...] = ()  # empty unless shown
    group: str = DEFAULT_GROUP

    @property
    def shown(self) -> bool:
        return self.benchmark is not None and self.benchmark.shown

    @property
    def missing_arr_band(self) -> bool:
        return self.assessment is not None and not group_value(self.org, self.group)


def _scores(domains: list | None) -> dict[str, float | None]:
    return {d["key"]: d["score"] for d in domains or ()}


def _too_few(band: str) -> str:
    return TOO_FEW_PEERS.format(band=band, minimum=MIN_PEERS)


def peer_owners_trusted(orgs: QuerySet[Organization]) -> QuerySet[Organization]:
    """The one place for rules on a peer's *owner* account: it exists and has proven its primary
    address (a verified allauth EmailAddress). Unverified sign-ups cost an attacker nothing, so
    they never count towards the peer threshold. A subquery, so the page's query count stays
    the same however many peers there are."""
    verified = EmailAddress.objects.filter(user=OuterRef("created_by"), primary=True, verified=True)
    return orgs.filter(created_by__isnull=False).filter(Exists(verified))


def group_value(org, group: str) -> str:
    return getattr(org, GROUPS[group][0]) or ""


def peer_orgs(*, org, viewer=None, group: str = DEFAULT_GROUP) -> QuerySet[Organization]:
    """The orgs that may count as peers of `org` when `viewer` looks (module docstring): those
    sharing `org`'s value of the `group` field (industry: whatever the letter case)."""
    field = GROUPS[group][0]
    lookup = f"{field}__iexact" if group == "industry" else field
    orgs = Organization.objects.filter(**{lookup: group_value(org, group)}).exclude(pk=org.pk)
    if org.created_by_id is not None:
        orgs = orgs.exclude(created_by_id=org.created_by_id)
    if viewer is not None and viewer.is_authenticated:
        # Staff may open any org, but their own relations are what they could subtract; the
        # staff role alone would otherwise empty every benchmark they look at.
        member = Membership.objects.filter(user=viewer).values("org_id")
        assigned = ConsultantAssignment.objects.filter(consultant=viewer).values("org_id")
        orgs = orgs.exclude(Q(pk__in=member) | Q(pk__in=assigned) | Q(created_by=viewer))
    return peer_owners_trusted(orgs)


def peer_domain_scores(
    *, org, questionnaire_id: int, viewer=None, group: str = DEFAULT_GROUP
) -> list[dict[str, float | None]]:
    """Domain scores of each peer owner's latest submitted assessment on any version of
    `questionnaire_id`: one query, reading only the result's domains from each snapshot. Never
    includes `org` itself."""
    latest = (
        Assessment.objects.filter(
            org=OuterRef("pk"),
            status=Assessment.Status.SUBMITTED,
            version__questionnaire_id=questionnaire_id,
        )
        .order_by("-submitted_at", "-id")
        .values("pk")[:1]
    )
    peer_latest = (
        peer_orgs(org=org, viewer=viewer, group=group)
        .annotate(latest=Subquery(latest))
        .filter(latest__isnull=False)
        .values("latest")
    )
    rows = (
        Assessment.objects.filter(pk__in=peer_latest)
        .order_by("-submitted_at", "-id")
        .values_list("org__created_by_id", "snapshot__result__domains")
    )
    per_owner: dict[int, dict[str, float | None]] = {}
    for owner, domains in rows:  # newest first: the first result seen per owner is kept
        per_owner.setdefault(owner, _scores(domains))
    return list(per_owner.values())


def org_benchmark(*, org, viewer=None, group: str = DEFAULT_GROUP) -> OrgBenchmark:
    """The benchmark of `org` as `viewer` may see it, against the peer `group` (two queries at
    most, however many peers there are)."""
    if group not in GROUPS:
        raise ValueError(f"Unknown peer group {group!r}: choose one of {', '.join(GROUPS)}.")
    assessment = (
        org.assessments.filter(status=Assessment.Status.SUBMITTED)
        .select_related("version")
        .defer("snapshot", "targets")
        .annotate(result_domains=F("snapshot__result__domains"))
        .order_by("-submitted_at", "-id")
        .first()
    )
    if assessment is None:
        return OrgBenchmark(org, None, None, NO_ASSESSMENT.format(org=org.name), group=group)
    label = GROUPS[group][1]
    if not group_value(org, group):
        if group == "arr":
            reason = NO_ARR_BAND.format(org=org.name)
        else:
            reason = NO_GROUP_VALUE.format(group=label, org=org.name)
        return OrgBenchmark(org, assessment, None, reason, group=group)
    domains = assessment.result_domains or []
    benchmark = benchmark_compute(
        [(d["key"], d["name"], d["score"]) for d in domains],
        peer_domain_scores(
            org=org,
            questionnaire_id=assessment.version.questionnaire_id,
            viewer=viewer,
            group=group,
        ),
    )
    if not benchmark.shown:
        if group == "arr":
            reason = _too_few(org.get_arr_band_display())
        else:
            value = org.get_segment_display() if group == "segment" else org.industry
            reason = TOO_FEW_IN_GROUP.format(value=value, group=label, minimum=MIN_PEERS)
        return OrgBenchmark(org, assessment, benchmark, reason, group=group)
    stages = {d["key"]: d["stage"] for d in domains}
    rows = tuple(BenchmarkRow(d, stages.get(d.key)) for d in benchmark.domains)
    return OrgBenchmark(org, assessment, benchmark, "", rows, group=group)
