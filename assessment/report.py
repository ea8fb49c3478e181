"""Everything the result report shows, built from the frozen snapshot, the version's action
catalog (immutable once published), the targets and the org profile.

The catalog picks the roadmap rules: a practice-level catalog (question bank v2, actions that
lift named practices) gets roadmap v2 (assessment/practice_roadmap.py); a catalog of stage actions
(bank v1) gets the v1 rules exactly as before, so v1 reports stay byte-identical."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.template.loader import render_to_string

from assessment import charts, narrative, practice_roadmap, roadmap
from assessment.branding import Branding, branding_for
from assessment.models import Action, Assessment
from assessment.scoring import STAGE_NAMES, Result, Thresholds, phase_of
from assessment.snapshot import snapshot_agreed, snapshot_result
from plans import services as plan_services


@dataclass(frozen=True)
class DomainRow:
    plan: roadmap.DomainPlan
    previous_score: float | None = None
    previous_stage: int | None = None
    line: str = ""  # one interpretive sentence (assessment/narrative.py)

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
    resolved: bool = False


def _alignment_detail(gap, agreed: dict[str, int]) -> str:
    detail = f"answers ranged from level {gap.levels[0]} to {gap.levels[-1]}"
    if gap.resolved and gap.question_key in agreed:
        detail += f"; resolved in calibration at level {agreed[gap.question_key]}"
    return detail


def gap_rows(snapshot: dict, result: Result) -> tuple[list[GapRow], list[GapRow]]:
    """Alignment and data gaps with their question texts, from the snapshot."""
    questions = {
        q["key"]: (d["name"], q["text"]) for d in snapshot["domains"] for q in d["questions"]
    }
    agreed = snapshot_agreed(snapshot)
    alignment = [
        GapRow(*questions[g.question_key], _alignment_detail(g, agreed), g.resolved)
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

    @property
    def people_text(self) -> str:
        """The names as a sentence reads them: "A", "A and B", "A, B and C"."""
        if len(self.people) < 2:
            return "".join(self.people)
        return ", ".join(self.people[:-1]) + " and " + self.people[-1]


@dataclass(frozen=True)
class AppendixQuestion:
    text: str
    gate: dict | None
    choices: tuple[AppendixChoice, ...]
    notes: tuple[tuple[str, str], ...]  # (respondent, note)
    # With several respondents, each one's answer in snapshot order ("3", "DK" or "—"), for the
    # per-respondent matrix.
    cells: tuple[str, ...] = ()


@dataclass(frozen=True)
class CalibrationRow:
    """One agreed answer as the appendix records it."""

    domain: str
    question: str
    level: int
    anchor: str  # the text of the agreed level
    rationale: str
    by: str


def _anchor(question: dict, level: int) -> str:
    options = question.get("options") or []
    return options[level - 1] if 0 < level <= len(options) else ""


def calibration_record(snapshot: dict) -> list[CalibrationRow]:
    """The agreed answers frozen in the snapshot, in questionnaire order ([] before calibration)."""
    rows = {row["question"]: row for row in snapshot.get("calibration", [])}
    return [
        CalibrationRow(
            domain=d["name"],
            question=q["text"],
            level=rows[q["key"]]["level"],
            anchor=_anchor(q, rows[q["key"]]["level"]),
            rationale=rows[q["key"]]["rationale"],
            by=rows[q["key"]]["by"],
        )
        for d in snapshot["domains"]
        for q in d["questions"]
        if q["key"] in rows
    ]


@dataclass(frozen=True)
class AppendixDomain:
    name: str
    questions: tuple[AppendixQuestion, ...]


@dataclass(frozen=True)
class PracticeStep:
    """One roadmap v2 item as the report prints it."""

    item: practice_roadmap.PracticeItem
    practices: str  # the labels of the practices it lifts, joined ("tiers and playbooks")

    @property
    def action(self) -> practice_roadmap.PracticeAction:
        return self.item.action


@dataclass(frozen=True)
class PracticeHorizonView:
    days: int
    steps: tuple[PracticeStep, ...]


@dataclass
class Report:
    assessment: Assessment
    result: Result
    questionnaire: dict
    respondents: list
    roadmap: roadmap.Roadmap | practice_roadmap.PracticeRoadmap
    rows: list[DomainRow]
    radar: charts.Radar
    change: Change | None
    alignment_gaps: list
    data_gaps: list
    appendix: list[AppendixDomain] = field(default_factory=list)
    calibration: list[CalibrationRow] = field(default_factory=list)
    # Roadmap v2 only (empty for a v1 catalog): the horizons as printed, and summary warnings.
    practice_horizons: tuple[PracticeHorizonView, ...] = ()
    warnings: tuple[practice_roadmap.Warning, ...] = ()
    # The org's action plan as this report sees it (plans.services.ReportPlan).
    plan: object = None
    # The executive summary (assessment/narrative.py) and who prepared the report.
    summary: list[str] = field(default_factory=list)
    strengths: list[narrative.DomainFact] = field(default_factory=list)
    gaps: list[narrative.DomainFact] = field(default_factory=list)
    priorities: list[str] = field(default_factory=list)
    branding: Branding | None = None
    with_appendix: bool = True

    @property
    def phase(self) -> str:
        return phase_of(self.result.stage)

    @property
    def is_practice_roadmap(self) -> bool:
        return isinstance(self.roadmap, practice_roadmap.PracticeRoadmap)


def _thresholds(snapshot: dict) -> Thresholds:
    values = snapshot["questionnaire"].get("thresholds") or {}
    return Thresholds(**values)


def _catalog_rows(assessment: Assessment) -> list[Action]:
    return list(assessment.version.actions.select_related("domain").order_by("position", "id"))


def _action_defs(rows: Sequence[Action]) -> list[roadmap.ActionDef]:
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
        for a in rows
    ]


def _practice_actions(rows: Sequence[Action]) -> tuple[practice_roadmap.PracticeAction, ...]:
    return tuple(
        practice_roadmap.PracticeAction(
            key=a.key,
            domain_key=a.domain.key,
            lifts=tuple(a.lifts),
            from_level=a.from_level,
            title=a.title,
            why=a.why,
            done_when=a.done_when,
            first_step=a.first_step,
            effort=a.effort,
            effort_weeks=a.effort_weeks,
            owner=a.owner,
            prerequisites=tuple(a.prerequisites),
            tags=tuple(a.tags),
        )
        for a in rows
    )


def catalog(assessment: Assessment) -> list[roadmap.ActionDef]:
    """The version's catalog for the v1 rules."""
    return _action_defs(_catalog_rows(assessment))


def is_practice_catalog(rows: Sequence[Action]) -> bool:
    # The loader refuses catalogs that mix the two forms, so one action tells for all.
    return bool(rows) and rows[0].is_practice_action


def practice_label(question: dict) -> str:
    """The question's practice label; a bank without one gets its key in words
    ("health-score-design" → "health score design"), short and never the full question."""
    return question.get("label") or question["key"].replace("-", " ")


def snapshot_levels(snapshot: dict) -> dict[str, int]:
    """Question key → the org's level on it in this snapshot (roadmap v2 rule 1). Every question
    of the snapshot is listed, unanswered ones with no answers (level 1)."""
    given: dict[str, list[int | None]] = {
        q["key"]: [] for d in snapshot["domains"] for q in d["questions"]
    }
    for answer in snapshot["answers"]:
        if answer["question"] not in given:
            continue
        if answer["dont_know"]:
            given[answer["question"]].append(None)
        elif answer["level"] is not None:  # a note without an answer is no answer
            given[answer["question"]].append(answer["level"])
    # An agreed answer from a calibration session is the org's level on its question.
    return practice_roadmap.practice_levels(
        {k: tuple(v) for k, v in given.items()}, agreed=snapshot_agreed(snapshot)
    )


def dont_know_shares(snapshot: dict) -> dict[str, float]:
    """Domain key → the share of its answers that are "Don't know" (0 when nobody answered)."""
    domain_of = {q["key"]: d["key"] for d in snapshot["domains"] for q in d["questions"]}
    counts = {d["key"]: [0, 0] for d in snapshot["domains"]}  # [don't know, all answers]
    for answer in snapshot["answers"]:
        domain = domain_of.get(answer["question"])
        if domain is None or not (answer["dont_know"] or answer["level"] is not None):
            continue
        counts[domain][0] += answer["dont_know"]
        counts[domain][1] += 1
    return {key: (dk / total if total else 0.0) for key, (dk, total) in counts.items()}


def _joined(labels: Sequence[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


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
            cells: tuple[str, ...] = ()
            if len(names) > 1:
                given = {
                    a["respondent"]: "DK" if a["dont_know"] else str(a["level"] or "—")
                    for a in answers
                }
                cells = tuple(given.get(r, "—") for r in names)
            questions.append(
                AppendixQuestion(question["text"], question["gate"], choices, notes, cells)
            )
        domains.append(AppendixDomain(domain["name"], tuple(questions)))
    return domains


def _practice_plan(
    assessment: Assessment,
    result: Result,
    rows: Sequence[Action],
    previous: Assessment | None,
    exclude: frozenset[str] = frozenset(),
) -> tuple[practice_roadmap.PracticeRoadmap, tuple[PracticeHorizonView, ...]]:
    snapshot = assessment.snapshot
    questions = [(d["key"], q) for d in snapshot["domains"] for q in d["questions"]]
    labels = {q["key"]: practice_label(q) for _, q in questions}
    # Previous levels only for practices the previous result asked about (it may be on v1).
    practices = practice_roadmap.practices_for(
        result,
        levels=snapshot_levels(snapshot),
        labels=labels,
        question_domains={q["key"]: domain for domain, q in questions},
        targets=assessment.targets,
        previous_levels=snapshot_levels(previous.snapshot) if previous is not None else None,
    )
    plan = practice_roadmap.build_practice_roadmap(
        result,
        _practice_actions(rows),
        practices=practices,
        gate_levels={q["key"]: q["gate"]["min_level"] for _, q in questions if q["gate"]},
        targets=assessment.targets,
        tags=org_tags(assessment.org),
        dont_know_share=dont_know_shares(snapshot),
        exclude=exclude,
    )
    horizons = tuple(
        PracticeHorizonView(
            days=horizon.days,
            steps=tuple(
                PracticeStep(
                    item=item,
                    # The practices it moves, else (a prerequisite pulled in) what it lifts.
                    practices=_joined(
                        [p.label for p in item.lifts]
                        or [labels[k] for k in item.action.lifts if k in labels]
                    ),
                )
                for item in horizon.items
            ),
        )
        for horizon in plan.horizons
    )
    return plan, horizons


def report_build(*, assessment: Assessment, with_appendix: bool = True) -> Report:
    snapshot = assessment.snapshot
    result = snapshot_result(snapshot)
    thresholds = _thresholds(snapshot)
    questions = [(d["key"], q) for d in snapshot["domains"] for q in d["questions"]]
    rows = _catalog_rows(assessment)
    previous = previous_submitted(assessment)
    plan_items = plan_services.report_items(assessment)
    practice_horizons: tuple[PracticeHorizonView, ...] = ()
    warnings: tuple[practice_roadmap.Warning, ...] = ()
    if is_practice_catalog(rows):
        # The loop (issue 15): actions already open or done in the org's plan are not proposed
        # again unless their practice slipped.
        exclude = plan_services.excluded_keys(assessment, plan_items)
        plan, practice_horizons = _practice_plan(assessment, result, rows, previous, exclude)
        warnings = plan.warnings
    else:
        plan = roadmap.build_roadmap(
            result,
            _action_defs(rows),
            question_domains={q["key"]: domain for domain, q in questions},
            gate_levels={q["key"]: q["gate"]["min_level"] for _, q in questions if q["gate"]},
            targets=assessment.targets,
            tags=org_tags(assessment.org),
        )
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
    question_domain = {q["key"]: domain for domain, q in questions}
    cap_domains = [
        r.key if r.kind == "domain" else question_domain.get(r.key, "") for r in result.cap_reasons
    ]
    if practice_horizons:
        steps = [s.action.title for h in practice_horizons for s in h.steps]
    else:
        steps = [item.action.title for h in plan.horizons for item in h.items]
    facts = narrative.facts_from(
        org=assessment.org.name,
        result=result,
        plans=plan.domains,
        cap_domains=cap_domains,
        steps=steps,
    )
    domain_rows = []
    for p, fact in zip(plan.domains, facts.domains, strict=True):
        row = DomainRow(
            plan=p,
            previous_score=before[p.key].score if p.key in before else None,
            previous_stage=before[p.key].stage if p.key in before else None,
        )
        line = narrative.domain_line(fact, capping=p.key in cap_domains, regressed=row.regressed)
        domain_rows.append(DomainRow(row.plan, row.previous_score, row.previous_stage, line))
    radar = charts.radar(
        [p.name for p in plan.domains],
        [
            ("Current score", charts.CURRENT, [p.score for p in plan.domains]),
            ("Target", charts.TARGET, [thresholds.minimum(p.target) for p in plan.domains]),
        ],
    )
    alignment_gaps, data_gaps = gap_rows(snapshot, result)
    report = Report(
        assessment=assessment,
        result=result,
        questionnaire=snapshot["questionnaire"],
        respondents=snapshot["respondents"],
        roadmap=plan,
        rows=domain_rows,
        radar=radar,
        change=change,
        alignment_gaps=alignment_gaps,
        data_gaps=data_gaps,
        appendix=_appendix(snapshot) if with_appendix else [],
        calibration=calibration_record(snapshot) if with_appendix else [],
        practice_horizons=practice_horizons,
        warnings=warnings,
        summary=narrative.narrative(facts),
        strengths=narrative.strengths(facts),
        gaps=narrative.gaps(facts),
        priorities=narrative.priorities(facts),
        branding=branding_for(assessment.org),
        with_appendix=with_appendix,
    )
    report.plan = plan_services.report_plan(
        assessment=assessment,
        report=report,
        items=plan_items,
        previous=previous,
        levels_now=snapshot_levels(snapshot),
        levels_before=snapshot_levels(previous.snapshot) if previous is not None else {},
    )
    return report


def report_pdf_html(
    *, assessment: Assessment, org, with_appendix: bool = True, branding=None
) -> str:
    """The HTML a report PDF is rendered from: the download view's, the pre-render task's and
    the benchmarks' (which must time exactly what users get)."""
    context = {
        "branding": branding or branding_for(org),
        "org": org,
        "assessment": assessment,
        "pdf": True,
        "report": report_build(assessment=assessment, with_appendix=with_appendix),
        "stages": STAGE_NAMES,
        "paper": "letter" if org.paper_size == "letter" else "a4",
    }
    return render_to_string("assessment/report_pdf.html", context)
