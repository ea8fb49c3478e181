"""Demo data for `make run`: an admin, a consultant with three client orgs at different stages,
their people, submitted assessments over time and one open draft, and enough benchmark peers
in each of their ARR bands for the benchmark page to show figures. `demo_build_portfolio` adds a
large generated portfolio for the same consultant, to try the portfolio at scale."""

import functools
import json
import random
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import reset_queries, transaction
from django.db.models import F, JSONField, Value
from django.db.models.functions import Cast
from django.utils import timezone

from assessment import scoring
from assessment.bank import questionnaire_definition
from assessment.models import Answer, Assessment, Question
from assessment.services import assessment_start, assessment_submit, current_published_version
from assessment.snapshot import build_snapshot
from orgs.models import Consultant, ConsultantAssignment, Membership, Organization
from orgs.permissions import Role

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
    # How many of the oldest assessments were answered on question bank v1 (the rest use the
    # current version), so history and compare show movement across bank versions.
    on_v1: int = 0


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
        on_v1=1,
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
        on_v1=2,
    ),
)


def demo_users(people, *, staff: bool = False) -> dict[str, object]:
    """The one place demo accounts are created: (email, name) pairs in, users by email out.
    Accounts already there are reused as they are. All share the demo password, hashed once
    per process (hashing is the slow part of making an account).

    Their addresses are verified here, so demo logins work at once."""
    User = get_user_model()
    names = dict(people)
    found = {u.username: u for u in User.objects.filter(username__in=list(names))}
    User.objects.bulk_create(
        User(
            username=email,
            email=email,
            first_name=name,
            is_staff=staff,
            is_superuser=staff,
            password=_demo_password_hash(),
        )
        for email, name in names.items()
        if email not in found
    )
    users = {u.username: u for u in User.objects.filter(username__in=list(names))}
    # Demo addresses are ours (a reserved .test domain): verified, so they log in at once.
    EmailAddress.objects.bulk_create(
        (EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in users.values()),
        ignore_conflicts=True,
    )
    return users


@functools.cache
def _demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)


def _user(email: str, name: str, *, staff: bool = False):
    return demo_users([(email, name)], staff=staff)[email]


def _first_published_version():
    """The oldest published version of the default bank (v1 once v2 is loaded too)."""
    current = current_published_version()
    return (
        current.questionnaire.versions.filter(status=current.Status.PUBLISHED)
        .order_by("number")
        .first()
    )


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
            if len(demo.history) - age <= demo.on_v1:
                assessment = Assessment.objects.create(
                    org=org, version=_first_published_version(), started_by=leader
                )
            else:
                assessment = assessment_start(org=org, by=leader)
            weak = demo.weak_domain if age == 0 else ""
            _answer_all(assessment, [leader, *members], level, rng, weak=weak)
            assessment_submit(assessment=assessment, by=leader)
            when = now - timedelta(days=91 * age + 3)
            # Back-date demo history so trends have a timeline; real results are never edited.
            Assessment.objects.filter(pk=assessment.pk).update(created_at=when, submitted_at=when)
        _demo_plan(org, leader, members, consultant)
        if demo.open_draft:
            draft = assessment_start(org=org, by=leader)
            _answer_all(draft, [leader], demo.history[-1] + 0.3, rng, share=0.6)
            _answer_all(draft, [members[0]], demo.history[-1], rng, share=0.3)
    demo_build_peers(seed=seed)
    return True


def _demo_plan(org, leader, members, consultant) -> None:
    """Give a demo org an action plan with owners, progress and overdue items. Where the org's
    last two results are both on a practice-level bank, the plan is adopted from the earlier one
    and partly done before the later one, so the latest report shows the work's outcomes."""
    from assessment.report import is_practice_catalog, report_build
    from assessment.selectors import submitted_assessments
    from plans import services as plan_services
    from plans.models import PlanEvent, PlanItem

    results = list(submitted_assessments(org)[:2])
    latest = results[0]
    earlier = results[1] if len(results) > 1 else None
    practice = [r for r in results if is_practice_catalog(list(r.version.actions.all()))]
    source = earlier if earlier is not None and earlier in practice else latest
    if source not in practice:
        return
    offered = plan_services.adoptables(report_build(assessment=source, with_appendix=False))
    if not offered:
        return
    plan_services.adopt(org=org, assessment=source, actor=leader, items=offered, keys=None)
    adopted_at = source.submitted_at + timedelta(days=2)
    owners = [leader, *members, consultant]
    items = list(PlanItem.objects.filter(plan__org=org).order_by("due_date", "id"))
    roles = frozenset({Role.LEADER})
    for n, item in enumerate(items):
        owner = owners[n % len(owners)]
        plan_services.item_update(
            item=item, actor=leader, roles=roles, owner_id=owner.pk, owner_given=True
        )
        # Earlier items are further along; the rest stay planned, and some of those are late.
        status = ("done", "done", "in_progress")[n] if n < 3 else "planned"
        if status != "planned":
            plan_services.item_update(item=item, actor=owner, roles=roles, status=status)
        done_at = adopted_at + timedelta(days=20 + 7 * n) if status == "done" else None
        if done_at and source is latest:
            done_at = min(done_at, timezone.now() - timedelta(days=1))
        due = (adopted_at + timedelta(days=item.horizon)).date()
        if source is latest and status == "in_progress":
            # A plan adopted days ago has nothing late yet: the team set itself a tight date.
            due = timezone.localdate() - timedelta(days=2)
        PlanItem.objects.filter(pk=item.pk).update(
            created_at=adopted_at, due_date=due, done_at=done_at
        )
    PlanEvent.objects.filter(item__plan__org=org).update(at=adopted_at)


# --- a generated portfolio at scale -------------------------------------------------------------

SCALE_SLUG = "scale-{n:05d}"
SCALE_DOMAIN = "{slug}.demo.stagewise.test"
SCALE_PREFIXES = (
    "Apex", "Beacon", "Cedar", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Iris", "Juniper",
    "Kestrel", "Lumen", "Maple", "Nimbus", "Onyx", "Pioneer", "Quartz", "Redwood", "Sierra",
    "Tidal", "Umber", "Vertex", "Willow", "Xenon", "Zephyr",
)  # fmt: skip
SCALE_NOUNS = (
    "Analytics", "Cloud", "Health", "Logistics", "Payments", "Robotics", "Security", "Learning",
    "Commerce", "Energy", "Media", "Labs", "Networks", "Insights", "Finance", "Mobility", "Data",
    "Systems", "Software", "Works",
)  # fmt: skip
SCALE_INDUSTRIES = (
    "B2B SaaS", "Healthcare software", "Fintech", "Supply chain", "Martech", "HR tech",
    "Cybersecurity", "EdTech",
)  # fmt: skip
# ARR bands weighted like a typical consultancy book; "" is a client with no profile yet.
SCALE_ARR_WEIGHTS = {"under-5m": 35, "5m-20m": 30, "20m-100m": 20, "over-100m": 10, "": 5}
SCALE_DRAFT_SHARE = 0.15
SCALE_PROFILES = 12
PROFILE_PEOPLE = ("leader", "member")


@dataclass(frozen=True)
class AnswerProfile:
    """One generated set of answers, scored once with the real rules and reused by many
    assessments. Its snapshot names the respondents "leader" and "member"."""

    snapshot: dict
    result: scoring.Result
    people: tuple[str, ...]
    template: str  # the snapshot as JSON, see _snapshot_template


@dataclass(frozen=True)
class PortfolioBuilt:
    orgs: int
    assessments: int
    drafts: int


def _profile_answers(questions, mean_level: float, rng: random.Random, weak: str, person: str):
    answers = []
    for index, question in enumerate(questions):
        bias = 0.4 - 0.8 * index / max(len(questions) - 1, 1)
        level = min(5, max(1, round(mean_level + bias + rng.uniform(-0.9, 0.9))))
        if question.domain.key == weak:
            level = 1
        dont_know = rng.random() < 0.03
        option = None if dont_know else question.options_by_level[level]
        answers.append(
            SimpleNamespace(
                respondent=SimpleNamespace(
                    pk=person, email=f"{person}@example.invalid", get_full_name=lambda: ""
                ),
                respondent_id=person,
                question=question,
                option=option,
                option_id=option.pk if option else None,
                dont_know=dont_know,
                note="Documented in our CS handbook." if rng.random() < 0.1 else "",
            )
        )
    return answers


def answer_profiles(version, questions, rng: random.Random) -> list[AnswerProfile]:
    """A handful of answer sets from Reactive to Embedded, some with one weak domain (a capped
    stage), scored and snapshotted exactly as `assessment_submit` would; ordered by maturity."""
    definition = questionnaire_definition(version=version)
    domain_keys = [d.key for d in definition.domains]
    profiles = []
    for index in range(SCALE_PROFILES):
        mean_level = 1.2 + 3.6 * index / (SCALE_PROFILES - 1)
        weak = rng.choice(domain_keys) if index % 4 == 3 else ""
        people = PROFILE_PEOPLE if index % 3 else PROFILE_PEOPLE[:1]
        answers = [
            answer
            for person in people
            for answer in _profile_answers(questions, mean_level, rng, weak, person)
        ]
        # The order assessment_submit stores them in: by question, then respondent.
        order = {question.pk: index for index, question in enumerate(questions)}
        answers.sort(key=lambda a: (order[a.question.pk], people.index(a.respondent_id)))
        mapping = {
            person: {
                a.question.key: scoring.DONT_KNOW if a.dont_know else a.option.level
                for a in answers
                if a.respondent_id == person
            }
            for person in people
        }
        result = scoring.score(definition, mapping)
        snapshot = build_snapshot(version=version, answers=answers, result=result)
        profiles.append(AnswerProfile(snapshot, result, people, _snapshot_template(snapshot)))
    return sorted(profiles, key=lambda p: (p.result.stage, p.result.overall_score))


RESPONDENTS_SLOT = "respondents-of-this-org"


def _snapshot_template(snapshot: dict) -> str:
    """The profile's snapshot as JSON text, with a slot for the respondents. Serializing each
    stored snapshot from a dict would cost most of the build time, so it is done once here."""
    return json.dumps({**snapshot, "respondents": RESPONDENTS_SLOT})


def _snapshot_json(profile: AnswerProfile, users: dict[str, object]) -> str:
    """The profile's snapshot with its respondents replaced by the org's own people; the
    questionnaire, domains and result are the profile's, unchanged. Inside JSON strings a
    quote is escaped, so the `"respondent": "leader"` pairs replaced here are only the keys."""
    text = profile.template
    respondents = []
    for person in profile.people:
        user = users[person]
        respondents.append({"id": str(user.pk), "name": user.first_name, "email": user.email})
        text = text.replace(f'"respondent": "{person}"', f'"respondent": "{user.pk}"')
    respondents.sort(key=lambda r: r["name"].lower())
    return text.replace(json.dumps(RESPONDENTS_SLOT), json.dumps(respondents))


def _scale_org(n: int, rng: random.Random, consultant) -> Organization:
    prefix = SCALE_PREFIXES[n % len(SCALE_PREFIXES)]
    noun = SCALE_NOUNS[(n // len(SCALE_PREFIXES)) % len(SCALE_NOUNS)]
    lap = n // (len(SCALE_PREFIXES) * len(SCALE_NOUNS))
    arr_band = rng.choices(list(SCALE_ARR_WEIGHTS), weights=list(SCALE_ARR_WEIGHTS.values()))[0]
    return Organization(
        name=f"{prefix} {noun}" + (f" {lap + 1}" if lap else ""),
        slug=SCALE_SLUG.format(n=n + 1),
        arr_band=arr_band,
        segment=rng.choice(Organization.Segment.values) if arr_band else "",
        team_size=rng.choice(Organization.TeamSize.values) if arr_band else "",
        team_age=rng.choice(Organization.TeamAge.values) if arr_band else "",
        industry=rng.choice(SCALE_INDUSTRIES) if arr_band else "",
        created_by=consultant,
    )


def _scale_people(orgs: list[Organization]) -> dict[int, dict[str, object]]:
    """A leader and a member per org (demo password), reusing users left from an earlier run."""
    wanted = {
        f"{person}@{SCALE_DOMAIN.format(slug=org.slug)}": (org, person)
        for org in orgs
        for person in PROFILE_PEOPLE
    }
    found = demo_users(
        (email, f"{org.name} {person.title()}") for email, (org, person) in wanted.items()
    )
    people: dict[int, dict[str, object]] = {}
    for email, (org, person) in wanted.items():
        people.setdefault(org.pk, {})[person] = found[email]
    return people


def _scale_chunk(
    orgs, people, profiles, questions, version, rng_for, assessments: int, now
) -> tuple[int, int]:
    """Memberships, assignments, assessments and drafts of one chunk of new orgs."""
    Membership.objects.bulk_create(
        Membership(user=people[org.pk][person], org=org, role=person) for org in orgs
        for person in PROFILE_PEOPLE
    )  # fmt: skip
    rows, drafts, draft_answers = [], [], []
    for org in orgs:
        rng = rng_for(org.slug)
        leader = people[org.pk]["leader"]
        # A random walk through the profiles (ordered by maturity): mostly up, sometimes down.
        step = rng.randrange(SCALE_PROFILES // 2)
        days_ago = [rng.randint(3, 60)]
        while len(days_ago) < assessments:
            days_ago.append(days_ago[-1] + 91 + rng.randint(-10, 10))
        for age in reversed(days_ago):
            when = now - timedelta(days=age)
            profile = profiles[step]
            rows.append(
                Assessment(
                    org=org,
                    version=version,
                    status=Assessment.Status.SUBMITTED,
                    started_by=leader,
                    submitted_by=leader,
                    submitted_at=when,
                    snapshot=Cast(Value(_snapshot_json(profile, people[org.pk])), JSONField()),
                    stage=profile.result.stage,
                    score_stage=profile.result.score_stage,
                    overall_score=profile.result.overall_score,
                )
            )
            step = min(SCALE_PROFILES - 1, max(0, step + rng.choice((-2, -1, 0, 1, 1, 2))))
        if rng.random() < SCALE_DRAFT_SHARE:
            draft = Assessment(org=org, version=version, started_by=leader)
            drafts.append(draft)
            share = rng.uniform(0.1, 0.9)
            level = rng.randint(1, 5)
            draft_answers += [
                Answer(
                    assessment=draft,
                    respondent=leader,
                    question=question,
                    option=question.options_by_level[level],
                )
                for question in questions
                if rng.random() < share
            ]
    Assessment.objects.bulk_create(rows, batch_size=200)
    # created_at is set on insert; back-date it to the submission, as a real history would be.
    Assessment.objects.filter(pk__in=[a.pk for a in rows]).update(created_at=F("submitted_at"))
    Assessment.objects.bulk_create(drafts)
    Answer.objects.bulk_create(draft_answers, batch_size=500)
    return len(rows), len(drafts)


def _bank_questions(version) -> list[Question]:
    questions = list(
        Question.objects.filter(domain__version=version)
        .select_related("domain")
        .prefetch_related("options")
        .order_by("domain__position", "position", "id")
    )
    for question in questions:
        question.options_by_level = {o.level: o for o in question.options.all()}
    return questions


@transaction.atomic
def demo_build_portfolio(*, orgs: int, assessments: int, seed: int = 7) -> PortfolioBuilt:
    """Give the demo consultant `orgs` generated client orgs (besides the hand-made ones), each
    with `assessments` submitted results a quarter apart and, for some, an open draft. Orgs are
    numbered; those that already exist are left alone, so a second run adds nothing.

    Built for speed: rows go in with bulk_create, and snapshots come from a dozen answer profiles
    scored once with the real rules, so every stored figure matches its snapshot. Submitted
    results carry their answers in the snapshot (their record); answer rows are written for
    the open drafts only, which is all the app reads them for."""
    version = current_published_version()
    consultant = _user(CONSULTANT_EMAIL, "Casey Consultant")
    Consultant.objects.get_or_create(user=consultant, defaults={"company": "Demo Advisory"})
    existing = set(
        Organization.objects.filter(
            assignments__consultant=consultant, slug__startswith="scale-"
        ).values_list("slug", flat=True)
    )
    numbers = [n for n in range(orgs) if SCALE_SLUG.format(n=n + 1) not in existing]
    if not numbers:
        return PortfolioBuilt(0, 0, 0)
    questions = _bank_questions(version)
    profiles = answer_profiles(version, questions, random.Random(seed))  # noqa: S311 - demo

    def rng_for(slug: str) -> random.Random:
        return random.Random(f"{seed}-{slug}")  # noqa: S311 - reproducible demo data

    now = timezone.now()
    totals = [0, 0, 0]
    for start in range(0, len(numbers), 250):
        chunk = Organization.objects.bulk_create(
            _scale_org(n, rng_for(SCALE_SLUG.format(n=n + 1) + "/profile"), consultant)
            for n in numbers[start : start + 250]
        )
        ConsultantAssignment.objects.bulk_create(
            ConsultantAssignment(consultant=consultant, org=org, granted_by=consultant)
            for org in chunk
        )
        people = _scale_people(chunk)
        made, drafts = _scale_chunk(
            chunk, people, profiles, questions, version, rng_for, assessments, now
        )
        totals = [totals[0] + len(chunk), totals[1] + made, totals[2] + drafts]
        reset_queries()  # with DEBUG on, the query log would hold every snapshot as SQL text
    return PortfolioBuilt(*totals)


# --- benchmark peers ------------------------------------------------------------------------------
# The benchmark counts a peer per owner account (assessment/benchmark.py, peer_orgs) and shows
# figures from five peers up. So that no demo benchmark page is empty, every ARR band a demo org
# is in gets orgs created by their own leaders, one owner each, with a submitted result. They are
# nobody else's clients: they appear to the demo logins only as anonymous benchmark figures.

PEERS_PER_BAND = 6  # one more than the minimum, so the page shows figures with a margin
PEER_SLUG = "peer-{band}-{n}"
PEER_DOMAIN = "{slug}.demo.stagewise.test"


def demo_build_peers(*, seed: int = 7) -> int:
    """Give each ARR band of the demo orgs PEERS_PER_BAND peer orgs, each owned by its own
    leader and with one submitted assessment (built like the generated portfolio: answer
    profiles scored once with the real rules). Peers already there are kept, so a rerun adds
    nothing; returns how many were made."""
    version = current_published_version()
    bands = sorted({demo.profile["arr_band"] for demo in DEMO_ORGS})
    wanted = [
        (band, n, PEER_SLUG.format(band=band, n=n))
        for band in bands
        for n in range(1, PEERS_PER_BAND + 1)
    ]
    existing = set(
        Organization.objects.filter(slug__in=[slug for *_, slug in wanted]).values_list(
            "slug", flat=True
        )
    )
    wanted = [row for row in wanted if row[2] not in existing]
    if not wanted:
        return 0
    rng = random.Random(f"{seed}-peers")  # noqa: S311 - reproducible demo data
    profiles = answer_profiles(version, _bank_questions(version), rng)
    names = {
        slug: f"{SCALE_PREFIXES[(index * 7) % len(SCALE_PREFIXES)]} "
        f"{SCALE_NOUNS[(index * 3 + 1) % len(SCALE_NOUNS)]}"
        for index, (_, _, slug) in enumerate(wanted)
    }
    emails = {
        slug: {person: f"{person}@{PEER_DOMAIN.format(slug=slug)}" for person in PROFILE_PEOPLE}
        for *_, slug in wanted
    }
    users = demo_users(
        (email, f"{names[slug]} {person.title()}")
        for slug, by_person in emails.items()
        for person, email in by_person.items()
    )
    orgs = Organization.objects.bulk_create(
        Organization(
            name=names[slug],
            slug=slug,
            arr_band=band,
            segment=rng.choice(Organization.Segment.values),
            team_size=rng.choice(Organization.TeamSize.values),
            team_age=rng.choice(Organization.TeamAge.values),
            industry=rng.choice(SCALE_INDUSTRIES),
            created_by=users[emails[slug]["leader"]],  # its own owner: one peer each
        )
        for band, _, slug in wanted
    )
    people = {
        org.pk: {person: users[email] for person, email in emails[org.slug].items()} for org in orgs
    }
    Membership.objects.bulk_create(
        Membership(user=people[org.pk][person], org=org, role=person)
        for org in orgs
        for person in PROFILE_PEOPLE
    )
    now = timezone.now()
    rows = []
    for index, org in enumerate(orgs):
        # Spread over the maturity range, so the peer medians sit somewhere in the middle.
        profile = profiles[(index * 5 + 2) % len(profiles)]
        when = now - timedelta(days=rng.randint(5, 80))
        rows.append(
            Assessment(
                org=org,
                version=version,
                status=Assessment.Status.SUBMITTED,
                started_by=people[org.pk]["leader"],
                submitted_by=people[org.pk]["leader"],
                submitted_at=when,
                snapshot=Cast(Value(_snapshot_json(profile, people[org.pk])), JSONField()),
                stage=profile.result.stage,
                score_stage=profile.result.score_stage,
                overall_score=profile.result.overall_score,
            )
        )
    Assessment.objects.bulk_create(rows)
    Assessment.objects.filter(pk__in=[a.pk for a in rows]).update(created_at=F("submitted_at"))
    return len(orgs)


def demo_logins() -> list[tuple[str, str]]:
    rows = [("Staff admin", ADMIN_EMAIL), ("Consultant (client portfolio)", CONSULTANT_EMAIL)]
    for demo in DEMO_ORGS:
        rows.append((f"Leader of {demo.name}", f"leader@{demo.slug}.demo.stagewise.test"))
        rows.append((f"Member of {demo.name}", f"member1@{demo.slug}.demo.stagewise.test"))
    return rows
