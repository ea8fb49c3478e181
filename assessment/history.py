"""An org's history: every submitted assessment over time, the trend chart, and per-domain
deltas between two chosen assessments. Reads only; lists come from the headline columns, and
only the two compared assessments' snapshots are loaded."""

import uuid
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.timezone import localtime

from assessment import history_chart
from assessment.models import Assessment
from assessment.scoring import STAGE_NAMES
from assessment.snapshot import snapshot_result

NOT_IN_ORG = "No submitted assessment of this organization has that id."


class AssessmentNotFound(Exception):
    """A requested assessment id is malformed, or not a submitted assessment of the org."""


@dataclass(frozen=True)
class HistoryRow:
    assessment: Assessment
    previous: Assessment | None

    @property
    def score_delta(self) -> float | None:
        if self.previous is None:
            return None
        return round(self.assessment.overall_score - self.previous.overall_score, 1)

    @property
    def direction(self) -> str:
        """ "up", "down", "same", or "" for the first assessment."""
        if self.previous is None:
            return ""
        return _direction(self.previous.stage, self.assessment.stage)

    @property
    def regressed(self) -> bool:
        return self.direction == "down"


@dataclass(frozen=True)
class DomainDelta:
    key: str
    name: str
    score_before: float | None
    score_after: float | None
    stage_before: int | None  # None when the domain is missing on that side
    stage_after: int | None

    @property
    def delta(self) -> float | None:
        if self.score_before is None or self.score_after is None:
            return None
        return round(self.score_after - self.score_before, 1)

    @property
    def direction(self) -> str:
        if self.stage_before is None or self.stage_after is None:
            return ""
        return _direction(self.stage_before, self.stage_after)

    @property
    def regressed(self) -> bool:
        return self.direction == "down"


@dataclass(frozen=True)
class PairDeltas:
    before: Assessment
    after: Assessment
    domains: tuple[DomainDelta, ...]

    @property
    def score_delta(self) -> float:
        return round(self.after.overall_score - self.before.overall_score, 1)

    @property
    def direction(self) -> str:
        return _direction(self.before.stage, self.after.stage)

    @property
    def regressions(self) -> int:
        return sum(1 for d in self.domains if d.regressed)


@dataclass(frozen=True)
class History:
    rows: tuple[HistoryRow, ...]  # oldest first
    chart: history_chart.LineChart | None  # None with fewer than two assessments
    pair: PairDeltas | None  # None with fewer than two assessments


def _direction(before: int, after: int) -> str:
    if after == before:
        return "same"
    return "up" if after > before else "down"


def submitted_history(org) -> list[Assessment]:
    """The org's submitted assessments, oldest first, in one query and without the snapshots."""
    return list(
        org.assessments.filter(status=Assessment.Status.SUBMITTED)
        .select_related("version__questionnaire")
        .defer("snapshot", "targets")
        .order_by("submitted_at", "id")
    )


def _parse(value: str | None) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError) as exc:
        raise AssessmentNotFound(NOT_IN_ORG) from exc


def domain_deltas(before: dict, after: dict) -> tuple[DomainDelta, ...]:
    """Per-domain movement between two snapshots, matched by domain key, in the newer one's
    order; a domain present on one side only still gets a row."""
    old = {d.key: d for d in snapshot_result(before).domains}
    new = {d.key: d for d in snapshot_result(after).domains}
    keys = list(new) + [key for key in old if key not in new]
    rows = []
    for key in keys:
        b, a = old.get(key), new.get(key)
        rows.append(
            DomainDelta(
                key=key,
                name=(a or b).name,
                score_before=b.score if b else None,
                score_after=a.score if a else None,
                stage_before=b.stage if b else None,
                stage_after=a.stage if a else None,
            )
        )
    return tuple(rows)


def _pair(org, assessments: list[Assessment], from_id, to_id) -> PairDeltas:
    # The ids come from the request: looked up through the org, submitted ones only.
    wanted = {
        from_id or assessments[-2].public_id,
        to_id or assessments[-1].public_id,
    }
    snapshots = dict(
        org.assessments.filter(
            status=Assessment.Status.SUBMITTED, public_id__in=wanted
        ).values_list("public_id", "snapshot")
    )
    if set(snapshots) != wanted:
        raise AssessmentNotFound(NOT_IN_ORG)
    by_id = {a.public_id: a for a in assessments}
    before = by_id[from_id or assessments[-2].public_id]
    after = by_id[to_id or assessments[-1].public_id]
    return PairDeltas(
        before=before,
        after=after,
        domains=domain_deltas(snapshots[before.public_id], snapshots[after.public_id]),
    )


def history_build(*, org, from_id: str | None = None, to_id: str | None = None) -> History:
    """The history page of `org`. `from_id`/`to_id` are assessment public ids from the request
    (default: the previous and the latest); raises AssessmentNotFound for a malformed id or one
    that is not a submitted assessment of this org."""
    from_uuid, to_uuid = _parse(from_id), _parse(to_id)
    assessments = submitted_history(org)
    rows = tuple(
        HistoryRow(a, assessments[i - 1] if i else None) for i, a in enumerate(assessments)
    )
    if len(assessments) < 2:
        if from_uuid or to_uuid:
            # Nothing to compare, but an id that is not ours must still answer "not found".
            known = {a.public_id for a in assessments}
            if {u for u in (from_uuid, to_uuid) if u} - known:
                raise AssessmentNotFound(NOT_IN_ORG)
        return History(rows=rows, chart=None, pair=None)
    latest_version = assessments[-1].version
    chart = history_chart.line_chart(
        [
            (
                date_format(localtime(a.submitted_at), "j M Y"),
                a.overall_score,
                STAGE_NAMES[a.stage],
            )
            for a in assessments
        ],
        thresholds=(
            latest_version.proactive_min,
            latest_version.predictive_min,
            latest_version.strategic_min,
            latest_version.embedded_min,
        ),
    )
    return History(rows=rows, chart=chart, pair=_pair(org, assessments, from_uuid, to_uuid))
