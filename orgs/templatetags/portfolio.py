from urllib.parse import parse_qsl, urlencode

from django import template

register = template.Library()


@register.filter
def without_sort(query_string: str) -> str:
    """The query string minus sort and direction, so a header link can set its own."""
    pairs = [(k, v) for k, v in parse_qsl(query_string) if k not in ("sort", "dir")]
    return urlencode(pairs)
