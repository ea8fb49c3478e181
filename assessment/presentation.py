"""Shapes a stored snapshot for the result pages: question texts beside gaps, names beside ids."""

from dataclasses import dataclass

from assessment.snapshot import snapshot_result


@dataclass(frozen=True)
class GapRow:
    domain: str
    question: str
    detail: str


def result_context(snapshot: dict) -> dict:
    result = snapshot_result(snapshot)
    questions = {
        q["key"]: (d["name"], q["text"]) for d in snapshot["domains"] for q in d["questions"]
    }
    data_gaps = [
        GapRow(
            *questions[g.question_key],
            "Nobody answered" if g.unanswered else f"{g.dont_know} × Don't know",
        )
        for g in result.data_gaps
    ]
    alignment_gaps = [
        GapRow(
            *questions[g.question_key],
            f"Answers ranged from level {min(g.levels)} to {max(g.levels)}",
        )
        for g in result.alignment_gaps
    ]
    return {
        "result": result,
        "completeness_percent": round(result.completeness * 100),
        "questionnaire": snapshot["questionnaire"],
        "respondents": snapshot["respondents"],
        "data_gaps": data_gaps,
        "alignment_gaps": alignment_gaps,
    }
