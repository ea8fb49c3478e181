from django import template

from orgs.permissions import OrgAccess
from plans import services

register = template.Library()


@register.filter
def can_manage_plan(access) -> bool:
    return isinstance(access, OrgAccess) and services.may_manage(access.roles)
