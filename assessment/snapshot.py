"""The frozen record of a submitted assessment. Everything a result page or report shows comes
from here, so later edits to the bank, the org or user names never change a past result."""

from assessment import scoring
from assessment.models import QuestionnaireVersion

SNAPSHOT_FORMAT = 1


def build_snapshot(*, version: QuestionnaireVersion, answers, result: scoring.Result) -> dict:
    domains = version.domains.order_by("position", "id").prefetch_related("questions__options")
    respondents = {}
    for answer in answers:
        person = answer.respondent
        respondents[str(person.pk)] = {
            "id": str(person.pk),
            "name": person.get_full_name() or person.email,
            "email": person.email,
        }
    return {
        "format": SNAPSHOT_FORMAT,
        "questionnaire": {
            "slug": version.questionnaire.slug,
            "name": version.name,
            "version": version.number,
            "thresholds": {
                "proactive": version.proactive_min,
                "predictive": version.predictive_min,
                "strategic": version.strategic_min,
                "embedded": version.embedded_min,
            },
        },
        "domains": [
            {
                "key": d.key,
                "name": d.name,
                "description": d.description,
                "questions": [
                    {
                        "key": q.key,
                        "text": q.text,
                        "gate": {"stage": q.gate_stage, "min_level": q.gate_min_level}
                        if q.is_gate
                        else None,
                        "options": [o.text for o in sorted(q.options.all(), key=lambda o: o.level)],
                    }
                    for q in sorted(d.questions.all(), key=lambda q: (q.position, q.id))
                ],
            }
            for d in domains
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


def snapshot_result(snapshot: dict) -> scoring.Result:
    return scoring.result_from_dict(snapshot["result"])
