"""Real submitted assessments for the history and benchmark tests: answers saved through
`answers_save` (one call per assessment, as a respondent's page does), then `assessment_submit`."""

from datetime import timedelta

from assessment.models import Assessment
from assessment.services import AnswerInput, answers_save, assessment_submit


def submit(org, version, by, levels: int | dict[str, int], *, days_ago: float = 0) -> Assessment:
    """Answer every question of `version` for `org` as `by` and submit. `levels` is one level
    for every question, or {domain key: level} (all questions of that domain at that level).
    On the mini bank a domain at level k scores (k-1)*25: 0, 25, 50, 75 or 100."""
    draft = Assessment.objects.create(org=org, version=version, started_by=by)
    items = []
    for domain in version.domains.prefetch_related("questions__options"):
        level = levels if isinstance(levels, int) else levels[domain.key]
        for question in domain.questions.all():
            option = next(o for o in question.options.all() if o.level == level)
            items.append(AnswerInput(str(question.pk), str(option.pk)))
    answers_save(assessment=draft, respondent=by, items=items)
    assessment_submit(assessment=draft, by=by)
    if days_ago:
        submitted = draft.created_at - timedelta(days=days_ago)
        Assessment.objects.filter(pk=draft.pk).update(submitted_at=submitted, created_at=submitted)
    return Assessment.objects.get(pk=draft.pk)
