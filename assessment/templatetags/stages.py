from django import template

from assessment.scoring import STAGE_KEYS, STAGE_NAMES, phase_of

register = template.Library()


@register.filter
def stage_name(stage) -> str:
    return STAGE_NAMES.get(stage, "") if stage else "—"


@register.filter
def stage_key(stage) -> str:
    return STAGE_KEYS.get(stage, "none") if stage else "none"


@register.filter
def phase(stage) -> str:
    return phase_of(stage) if stage else "—"
