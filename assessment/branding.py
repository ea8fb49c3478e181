"""Who a report says it was prepared by: the firm's name, logo and accent colour.

This version always answers with Stagewise's own branding; white-label firm profiles (issue 14,
items 4-5) replace the body of `branding_for` with the same signature."""

from dataclasses import dataclass

from django.templatetags.static import static

STAGEWISE_NAME = "Stagewise"
STAGEWISE_LOGO = "img/mark.svg"
STAGEWISE_ACCENT = "#0f5f7a"  # --sw-brand in static/css/app.css


@dataclass(frozen=True)
class Branding:
    firm_name: str
    logo_url: str | None
    accent: str


def branding_for(org) -> Branding:
    """The branding of reports about `org`."""
    return Branding(
        firm_name=STAGEWISE_NAME, logo_url=static(STAGEWISE_LOGO), accent=STAGEWISE_ACCENT
    )
