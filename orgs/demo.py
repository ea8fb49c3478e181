"""Demo data for `make run`: an admin, a consultant with three client orgs at different stages,
their people, submitted assessments over time and one open draft."""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessment.models import Answer, Assessment, Question
from assessment.services import assessment_start, assessment_submit, current_published_version
from orgs.models import Consultant, ConsultantAssignment, Membership, Organization

DEMO_PASSWORD = "stagewise-demo"  # noqa: S105 - printed on purpose; demo accounts only
ADMIN_EMAIL = "admin@demo.stagewise.test"
CONSULTANT_EMAIL = "consultant@demo.stagewise.test"


@dataclass(frozen=True)
class DemoOrg:
    name: str
    slug: str
    profile: dict
    # Mean answer level of each past assessment, oldest first; the last is the newest result.
    history: tuple[float, ...]
    open_draft: bool = False
    # A domain answered at level 1 in the newest assessment: shows a capped stage and a regression.
    weak_domain: str = ""


DEMO_ORGS = (
    DemoOrg(
        "Northwind Analytics",
        "northwind",
        {
            "arr_band": "under-5m",
            "segment": "smb",
            "team_size": "1-5",
            "team_age": "under-1y",
            "industry": "B2B SaaS",
        },
        history=(1.4, 2.2),
    ),
    DemoOrg(
        "Bluebird Health",
        "bluebird",
        {
            "arr_band": "5m-20m",
            "segment": "mid-market",
            "team_size": "6-20",
            "team_age": "1-3y",
            "industry": "Healthcare software",
        },
        history=(2.1, 2.6, 3.1),
        open_draft=True,
    ),
    DemoOrg(
        "Summit Logistics Cloud",
        "summit",
        {
            "arr_band": "20m-100m",
            "segment": "enterprise",
            "team_size": "21+",
            "team_age": "3y+",
            "industry": "Supply chain",
        },
        history=(3.4, 3.9, 3.6),
        weak_domain="segmentation",
    ),
)


def _user(email: str, name: str, *, staff: bool = False):
    user, created = get_user_model().objects.get_or_create(
        username=email,
        defaults={"email": email, "first_name": name, "is_staff": staff, "is_superuser": staff},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _answer_all(
    assessment, people, mean_level: float, rng: random.Random, share: float = 1.0, weak: str = ""
):
    questions = list(
        Question.objects.filter(domain__version=assessment.version)
        .select_related("domain")
        .prefetch_related("options")
    )
    rows = []
    for person in people:
        for index, question in enumerate(questions):
            if rng.random() > share:
                continue
            # Earlier domains (the foundations) sit a little higher, as in most real teams.
            bias = 0.4 - 0.8 * index / max(len(questions) - 1, 1)
            level = min(5, max(1, round(mean_level + bias + rng.uniform(-0.9, 0.9))))
            if question.domain.key == weak:
                level = 1
            if rng.random() < 0.03:
                rows.append(
                    Answer(
                        assessment=assessment, respondent=person, question=question, dont_know=True
                    )
                )
                continue
            option = next(o for o in question.options.all() if o.level == level)
            note = "Documented in our CS handbook." if rng.random() < 0.1 else ""
            rows.append(
                Answer(
                    assessment=assessment,
                    respondent=person,
                    question=question,
                    option=option,
                    note=note,
                )
            )
    Answer.objects.bulk_create(rows)


@transaction.atomic
def demo_build(*, seed: int = 7) -> bool:
    """Create the demo data unless it exists. Returns True when it was created now."""
    if get_user_model().objects.filter(username=CONSULTANT_EMAIL).exists():
        return False
    current_published_version()  # fail early, with a clear message, if no bank is loaded
    rng = random.Random(seed)  # noqa: S311 - reproducible demo answers, not security
    _user(ADMIN_EMAIL, "Demo Admin", staff=True)
    consultant = _user(CONSULTANT_EMAIL, "Casey Consultant")
    Consultant.objects.get_or_create(user=consultant, defaults={"company": "Demo Advisory"})
    now = timezone.now()
    for demo in DEMO_ORGS:
        org = Organization.objects.create(
            name=demo.name, slug=demo.slug, created_by=consultant, **demo.profile
        )
        ConsultantAssignment.objects.create(consultant=consultant, org=org, granted_by=consultant)
        leader = _user(f"leader@{demo.slug}.demo.stagewise.test", f"{demo.name.split()[0]} Leader")
        members = [
            _user(
                f"member{n}@{demo.slug}.demo.stagewise.test", f"{demo.name.split()[0]} Member {n}"
            )
            for n in (1, 2)
        ]
        Membership.objects.create(user=leader, org=org, role=Membership.Role.LEADER)
        for member in members:
            Membership.objects.create(user=member, org=org, role=Membership.Role.MEMBER)
        for age, level in zip(range(len(demo.history) - 1, -1, -1), demo.history, strict=True):
            assessment = assessment_start(org=org, by=leader)
            weak = demo.weak_domain if age == 0 else ""
            _answer_all(assessment, [leader, *members], level, rng, weak=weak)
            assessment_submit(assessment=assessment, by=leader)
            when = now - timedelta(days=91 * age + 3)
            # Back-date demo history so trends have a timeline; real results are never edited.
            Assessment.objects.filter(pk=assessment.pk).update(created_at=when, submitted_at=when)
        if demo.open_draft:
            draft = assessment_start(org=org, by=leader)
            _answer_all(draft, [leader], demo.history[-1] + 0.3, rng, share=0.6)
            _answer_all(draft, [members[0]], demo.history[-1], rng, share=0.3)
    return True


def demo_logins() -> list[tuple[str, str]]:
    rows = [("Staff admin", ADMIN_EMAIL), ("Consultant (3 clients)", CONSULTANT_EMAIL)]
    for demo in DEMO_ORGS:
        rows.append((f"Leader of {demo.name}", f"leader@{demo.slug}.demo.stagewise.test"))
        rows.append((f"Member of {demo.name}", f"member1@{demo.slug}.demo.stagewise.test"))
    return rows
