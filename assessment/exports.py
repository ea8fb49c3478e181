"""Exports as CSV and JSON."""

import json

from assessment.scoring import STAGE_NAMES, phase_of


def csv_safe(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; prefix them so they stay text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def comparison_csv_rows(comparison) -> list[list]:
    """Domains × orgs: a score column and a stage column per org, then the overall result."""
    header = ["domain"]
    for column in comparison.columns:
        name = csv_safe(column.org.name)
        header += [f"{name} score", f"{name} stage"]
    rows = [header]
    for row in comparison.rows:
        line = [csv_safe(row.name)]
        for cell in row.cells:
            line += [
                "" if cell.score is None else f"{cell.score:.1f}",
                STAGE_NAMES.get(cell.stage, ""),
            ]
        rows.append(line)
    overall = ["Overall"]
    phases = ["Crawl / Walk / Run"]
    for column in comparison.columns:
        result = column.result
        overall += [
            "" if result is None else f"{result.overall_score:.1f}",
            "" if result is None else result.stage_name,
        ]
        phases += ["", "" if result is None else phase_of(result.stage)]
    rows += [overall, phases]
    return rows


# --- one assessment: full data as JSON, answers as CSV ------------------------------------------

EXPORT_FORMAT = "stagewise-assessment"
EXPORT_FORMAT_VERSION = 1
ORG_PROFILE_FIELDS = ("arr_band", "segment", "team_size", "team_age", "industry")

ANSWERS_HEADER = ["domain", "question", "respondent", "level", "answer", "dont_know", "note"]
RESULT_HEADER = ["domain", "score", "stage", "crawl_walk_run"]
DONT_KNOW_TEXT = "Don't know"
NO_CHOICE_TEXT = "No choice made"


def org_export_fields(org) -> dict:
    """The org's name and profile, the part of an export that is not in the snapshot."""
    return {"name": org.name, **{name: getattr(org, name) for name in ORG_PROFILE_FIELDS}}


def assessment_export_document(*, org: dict, snapshot: dict, submitted_at) -> dict:
    """The versioned export of one submitted assessment: org, questionnaire, date and the
    frozen snapshot as stored (answers, respondents, result). `import_assessment` reads it."""
    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "org": org,
        "questionnaire": {
            "slug": snapshot["questionnaire"]["slug"],
            "version": snapshot["questionnaire"]["version"],
        },
        "submitted_at": submitted_at.isoformat(),
        "snapshot": snapshot,
    }


def assessment_export_json(document: dict) -> str:
    """Pretty and deterministic: the same assessment always exports to the same text."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _score_text(score: float | None) -> str:
    return "" if score is None else f"{score:.1f}"


def assessment_csv_rows(snapshot: dict) -> list[list]:
    """Two sections: one row per answer (in questionnaire order), a blank row, then the result
    per domain and overall. Every free text goes through `csv_safe`."""
    names = {r["id"]: r["name"] for r in snapshot["respondents"]}
    by_question: dict[str, list[dict]] = {}
    for answer in snapshot["answers"]:
        by_question.setdefault(answer["question"], []).append(answer)
    rows: list[list] = [ANSWERS_HEADER]
    for domain in snapshot["domains"]:
        for question in domain["questions"]:
            for answer in by_question.get(question["key"], []):
                level = answer["level"]
                if answer["dont_know"]:
                    text = DONT_KNOW_TEXT
                elif level:
                    text = question["options"][level - 1]
                else:
                    text = NO_CHOICE_TEXT
                rows.append(
                    [
                        csv_safe(domain["name"]),
                        csv_safe(question["text"]),
                        csv_safe(names.get(answer["respondent"], "?")),
                        "" if level is None else level,
                        csv_safe(text),
                        "yes" if answer["dont_know"] else "no",
                        csv_safe(answer["note"]),
                    ]
                )
    result = snapshot["result"]
    rows += [[], RESULT_HEADER]
    for domain in result["domains"]:
        rows.append(
            [
                csv_safe(domain["name"]),
                _score_text(domain["score"]),
                STAGE_NAMES.get(domain["stage"], ""),
                phase_of(domain["stage"]) if domain["stage"] in STAGE_NAMES else "",
            ]
        )
    rows.append(
        [
            "Overall",
            _score_text(result["overall_score"]),
            STAGE_NAMES.get(result["stage"], ""),
            result["phase"],
        ]
    )
    return rows
