from orgs import logos
from orgs.models import Consultant, FirmProfile
from tests.branding import images


def firm_for(user, name: str = "Northwind Advisory", accent: str = "#1d4e89", logo=True):
    """Give `user` (a consultant) a firm profile, with a small re-encoded PNG logo by default."""
    consultant = Consultant.objects.get(user=user)
    clean = logos.clean_logo(images.png(160, 60, (29, 78, 137))) if logo else None
    return FirmProfile.objects.create(
        consultant=consultant,
        name=name,
        accent=accent,
        logo=clean.data if clean else None,
        logo_type=clean.content_type if clean else "",
        logo_digest=clean.digest if clean else "",
    )
