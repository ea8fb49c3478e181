"""Everything the result report shows, built from the frozen snapshot, the version's action
catalog (immutable once published), the targets and the org profile."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.template.loader import render_to_string

from assessment import charts, roadmap
from assessment.models import Assessment
from assessment.scoring import STAGE_NAMES, Result, Thresholds, phase_of
from assessment.snapshot import snapshot_result


@dataclass(frozen=True)
class DomainRow:
    plan: roadmap.DomainPlan
    previous_score: float | None = None
    previous_stage: int | None = None

    @property
    def delta(self) -> float | None:
        if self.plan.score is None or self.previous_score is None:
            return None
        return round(self.plan.score - self.previous_score, 1)

    @property
    def regressed(self) -> bool:
        return self.previous_stage is not None and self.plan.stage < self.previous_stage


@dataclass(frozen=True)
class Change:
    """The movement since the previous submitted assessment of the same org."""

    previous: Assessment
    stage_before: int
    stage_after: int
    score_delta: float

    @property
    def direction(self) -> str:
        if self.stage_after != self.stage_before:
            return "up" if self.stage_after > self.stage_before else "down"
        return "same"


@dataclass(frozen=True)
class GapRow:
    domain: str
    question: str
    detail: str


def gap_rows(snapshot: dict, result: Result) -> tuple[list[GapRow], list[GapRow]]:
    """Alignment and data gaps with their question texts, from the snapshot."""
    questions = {
        q["key"]: (d["name"], q["text"]) for d in snapshot["domains"] for q in d["questions"]
    }
    alignment = [
        GapRow(
            *questions[g.question_key], f"answers ranged from level {g.levels[0]} to {g.levels[-1]}"
        )
        for g in result.alignment_gaps
    ]
    data = [
        GapRow(
            *questions[g.question_key],
            "nobody answered" if g.unanswered else f"{g.dont_know} × Don't know",
        )
        for g in result.data_gaps
    ]
    return alignment, data


@dataclass(frozen=True)
class AppendixChoice:
    """One answer given to a question, with everyone who gave it."""

    label: str  # "Level 3" or "Don't know"
    text: str  # the anchor text of that level ("" for don't know)
    people: tuple[str, ...]


@dataclass(frozen=True)
class AppendixQuestion:
    text: str
    gate: dict | None
    choices: tuple[AppendixChoice, ...]
    notes: tuple[tuple[str, str], ...]  # (respondent, note)


@dataclass(frozen=True)
class AppendixDomain:
    name: str
    questions: tuple[AppendixQuestion, ...]


@dataclass
class Report:
    assessment: Assessment
    result: Result
    questionnaire: dict
    respondents: list
    roadmap: roadmap.Roadmap
    rows: list[DomainRow]
    radar: charts.Radar
    change: Change | None
    alignment_gaps: list
    data_gaps: list
    appendix: list[AppendixDomain] = field(default_factory=list)

    @property
    def phase(self) -> str:
        return phase_of(self.result.stage)


def _thresholds(snapshot: dict) -> Thresholds:
    values = snapshot["questionnaire"].get("thresholds") or {}
    return Thresholds(**values)


def catalog(assessment: Assessment) -> list[roadmap.ActionDef]:
    return [
        roadmap.ActionDef(
            key=a.key,
            domain_key=a.domain.key,
            stage=a.stage,
            title=a.title,
            why=a.why,
            effort=a.effort,
            effort_weeks=a.effort_weeks,
            tags=tuple(a.tags),
        )
        for a in assessment.version.actions.select_related("domain").order_by("position", "id")
    ]


def org_tags(org) -> frozenset[str]:
    return roadmap.profile_tags(
        arr_band=org.arr_band, segment=org.segment, team_size=org.team_size, team_age=org.team_age
    )


def previous_submitted(assessment: Assessment) -> Assessment | None:
    """The org's submitted assessment just before this one (ties on the time go by id)."""
    at = assessment.submitted_at
    return (
        assessment.org.assessments.filter(status=Assessment.Status.SUBMITTED)
        .filter(Q(submitted_at__lt=at) | Q(submitted_at=at, id__lt=assessment.pk))
        .order_by("-submitted_at", "-id")
        .first()
    )


def _appendix(snapshot: dict) -> list[AppendixDomain]:
    """Every answer, grouped per question by the answer given, each anchor text printed once."""
    names = {r["id"]: r["name"] for r in snapshot["respondents"]}
    by_question: dict[str, list[dict]] = {}
    for answer in snapshot["answers"]:
        by_question.setdefault(answer["question"], []).append(answer)
    domains = []
    for domain in snapshot["domains"]:
        questions = []
        for question in domain["questions"]:
            answers = by_question.get(question["key"], [])
            groups: dict[int, list[str]] = {}
            for answer in answers:
                key = 0 if answer["dont_know"] else (answer["level"] or -1)
                if key >= 0:
                    groups.setdefault(key, []).append(names.get(answer["respondent"], "?"))
            choices = tuple(
                AppendixChoice(
                    "Don't know" if key == 0 else f"Level {key}",
                    "" if key == 0 else question["options"][key - 1],
                    tuple(people),
                )
                for key, people in sorted(groups.items(), key=lambda kv: (kv[0] == 0, kv[0]))
            )
            notes = tuple(
                (names.get(a["respondent"], "?"), a["note"]) for a in answers if a["note"]
            )
            questions.append(AppendixQuestion(question["text"], question["gate"], choices, notes))
        domains.append(AppendixDomain(domain["name"], tuple(questions)))
    return domains


def report_build(*, assessment: Assessment, with_appendix: bool = True) -> Report:
    snapshot = assessment.snapshot
    result = snapshot_result(snapshot)
    thresholds = _thresholds(snapshot)
    questions = [(d["key"], q) for d in snapshot["domains"] for q in d["questions"]]
    plan = roadmap.build_roadmap(
        result,
        catalog(assessment),
        question_domains={q["key"]: domain for domain, q in questions},
        gate_levels={q["key"]: q["gate"]["min_level"] for _, q in questions if q["gate"]},
        targets=assessment.targets,
        tags=org_tags(assessment.org),
    )
    previous = previous_submitted(assessment)
    before = {}
    change = None
    if previous is not None:
        before = {d.key: d for d in snapshot_result(previous.snapshot).domains}
        change = Change(
            previous=previous,
            stage_before=previous.stage,
            stage_after=result.stage,
            score_delta=round(result.overall_score - previous.overall_score, 1),
        )
    rows = [
        DomainRow(
            plan=p,
            previous_score=before[p.key].score if p.key in before else None,
            previous_stage=before[p.key].stage if p.key in before else None,
        )
        for p in plan.domains
    ]
    radar = charts.radar(
        [p.name for p in plan.domains],
        [
            ("Current score", charts.CURRENT, [p.score for p in plan.domains]),
            ("Target", charts.TARGET, [thresholds.minimum(p.target) for p in plan.domains]),
        ],
    )
    alignment_gaps, data_gaps = gap_rows(snapshot, result)
    return Report(
        assessment=assessment,
        result=result,
        questionnaire=snapshot["questionnaire"],
        respondents=snapshot["respondents"],
        roadmap=plan,
        rows=rows,
        radar=radar,
        change=change,
        alignment_gaps=alignment_gaps,
        data_gaps=data_gaps,
        appendix=_appendix(snapshot) if with_appendix else [],
    )


def report_pdf_html(*, assessment: Assessment, org) -> str:
    """The HTML a report PDF is rendered from: the download view's and the benchmarks' (which
    must time exactly what users get)."""
    context = {
        "org": org,
        "assessment": assessment,
        "pdf": True,
        "report": report_build(assessment=assessment),
        "stages": STAGE_NAMES,
    }
    return render_to_string("assessment/report_pdf.html", context)
