"""What the landing page shows a visitor: the size of the questionnaire, read from the bank in
use, and a sample report excerpt drawn with the real chart code from made-up figures."""

from dataclasses import dataclass

from assessment import charts
from assessment.selectors import bank_structure
from assessment.services import AssessmentError, current_published_version

# An illustration, not anyone's data: a team at Predictive with a weak spot in its metrics.
SAMPLE_STAGE = 3
SAMPLE_SCORES = (68.0, 61.0, 57.0, 38.0, 52.0, 64.0, 59.0, 47.0)
SAMPLE_TARGETS = (70.0, 70.0, 70.0, 50.0, 70.0, 70.0, 70.0, 50.0)


@dataclass(frozen=True)
class Landing:
    domains: int
    questions: int
    domain_names: tuple[str, ...]
    radar: charts.Radar | None


def landing_build() -> Landing:
    try:
        version = current_published_version()
    except AssessmentError:
        return Landing(0, 0, (), None)
    structure = bank_structure(version)
    names = tuple(d.name for d in structure.domains)
    count = len(names)
    radar = None
    if count >= 3:
        scores = [SAMPLE_SCORES[i % len(SAMPLE_SCORES)] for i in range(count)]
        targets = [SAMPLE_TARGETS[i % len(SAMPLE_TARGETS)] for i in range(count)]
        radar = charts.radar(
            list(names),
            [("Current score", charts.CURRENT, scores), ("Target", charts.TARGET, targets)],
        )
    return Landing(count, len(structure.questions), names, radar)
