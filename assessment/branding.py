"""Whose brand a report carries. An org with an assigned consultant whose firm has a profile
carries that firm's name, logo and accent; every other org carries Stagewise's.

Several consultants with firm profiles on one org: the earliest assignment wins (then the lowest
assignment id), so the choice never changes while those assignments stand. Consultants without a
firm profile are passed over.

The logo travels as a data: URI: the same value works in the web page, on the share page (no
login, so no access-checked image URL) and in the PDF, whose fetcher reads data: URIs and our
static files and nothing else (assessment/pdf.py)."""

import base64
import hashlib
from dataclasses import dataclass

from orgs.models import ConsultantAssignment, FirmProfile


@dataclass(frozen=True)
class Branding:
    firm_name: str
    logo_url: str | None
    accent: str

    @property
    def is_firm(self) -> bool:
        return self != STAGEWISE

    @property
    def key(self) -> str:
        """A fingerprint of everything the brand changes in a rendered PDF (its cache key)."""
        material = f"{self.firm_name}\0{self.accent}\0{self.logo_url or ''}"
        return hashlib.sha256(material.encode()).hexdigest()


STAGEWISE = Branding(firm_name="Stagewise", logo_url=None, accent="#0f5f7a")


def branding_of(profile: FirmProfile) -> Branding:
    logo_url = None
    if profile.logo:
        encoded = base64.b64encode(bytes(profile.logo)).decode("ascii")
        logo_url = f"data:{profile.logo_type};base64,{encoded}"
    return Branding(firm_name=profile.name, logo_url=logo_url, accent=profile.accent)


def branding_for(org) -> Branding:
    assignment = (
        ConsultantAssignment.objects.filter(org=org, consultant__consultant__firm__isnull=False)
        .select_related("consultant__consultant__firm")
        .order_by("created_at", "id")
        .first()
    )
    if assignment is None:
        return STAGEWISE
    return branding_of(assignment.consultant.consultant.firm)


def branding_for_comparison(user, orgs) -> Branding:
    """A comparison is the viewer's own deliverable: a consultant's firm brands it when the
    consultant is assigned to every org compared; anything else carries Stagewise's brand."""
    profile = FirmProfile.objects.filter(consultant__user=user).first()
    if profile is None:
        return STAGEWISE
    org_ids = {org.pk for org in orgs}
    assigned = set(
        ConsultantAssignment.objects.filter(consultant=user, org__in=org_ids).values_list(
            "org_id", flat=True
        )
    )
    return branding_of(profile) if org_ids and assigned == org_ids else STAGEWISE
