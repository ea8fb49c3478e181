"""The frozen record of a submitted assessment. Everything a result page or report shows comes
from here, so later edits to the bank, the org or user names never change a past result."""

from assessment import scoring
from assessment.bank import bank_export
from assessment.models import QuestionnaireVersion

SNAPSHOT_FORMAT = 1


def build_snapshot(
    *, version: QuestionnaireVersion, answers, result: scoring.Result, agreed=()
) -> dict:
    # The bank's own export is the one place that reads a version's content.
    bank = bank_export(version=version)
    respondents = {}
    for answer in answers:
        person = answer.respondent
        respondents[str(person.pk)] = {
            "id": str(person.pk),
            "name": person.get_full_name() or person.email,
            "email": person.email,
        }
    snapshot = {
        "format": SNAPSHOT_FORMAT,
        "questionnaire": {
            "slug": bank["slug"],
            "name": bank["name"],
            "version": bank["version"],
            "thresholds": bank["thresholds"],
        },
        "domains": [
            {
                "key": d["key"],
                "name": d["name"],
                "description": d["description"],
                "questions": [_question(q) for q in d["questions"]],
            }
            for d in bank["domains"]
        ],
        "respondents": sorted(respondents.values(), key=lambda r: r["name"].lower()),
        "answers": [
            {
                "respondent": str(a.respondent_id),
                "question": a.question.key,
                "level": a.option.level if a.option_id else None,
                "dont_know": a.dont_know,
                "note": a.note,
            }
            for a in answers
            if a.dont_know or a.option_id is not None or a.note
        ],
        "result": scoring.result_to_dict(result),
    }
    # The calibration record, frozen with the names as they were; an assessment nobody
    # calibrated keeps the snapshot layout it always had.
    if agreed:
        snapshot["calibration"] = [
            {
                "question": row.question.key,
                "level": row.level,
                "rationale": row.rationale,
                "by": (row.by.get_full_name() or row.by.email) if row.by else "",
                "at": row.at.isoformat(),
            }
            for row in agreed
        ]
    return snapshot


def snapshot_agreed(snapshot: dict) -> dict[str, int]:
    """Question key → agreed level; {} for snapshots from before calibration."""
    return {row["question"]: row["level"] for row in snapshot.get("calibration", [])}


def _question(q: dict) -> dict:
    out = {"key": q["key"], "text": q["text"], "gate": q["gate"], "options": q["answers"]}
    # The practice label (bank v2) names the practice in the roadmap; banks without labels
    # keep the snapshot shape they always had.
    if q.get("label"):
        out["label"] = q["label"]
    return out


def snapshot_result(snapshot: dict) -> scoring.Result:
    return scoring.result_from_dict(snapshot["result"])
