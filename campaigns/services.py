"""Start a campaign, follow its progress, remind everyone who has not finished."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from assessment.models import Answer, Assessment, Question
from assessment.services import AssessmentError, current_published_version
from campaigns import emails
from campaigns.models import Campaign, CampaignOrg
from notifications.services import NotificationError, remind_unfinished
from orgs.models import Membership
from orgs.permissions import orgs_assigned_to

MAX_ORGS = 200
COMPARE_MAX = 12  # what the compare page takes at once

NAME_MISSING = "Give the campaign a name."
NAME_TOO_LONG = "Keep the name to 120 characters or fewer."
NO_ORGS = "Choose at least one client organization."
TOO_MANY_ORGS = f"A campaign takes at most {MAX_ORGS} organizations; choose fewer."
DUE_MISSING = "Choose a due date."
DUE_IN_PAST = "Choose today or a later day for the due date."
NOT_ASSIGNED = "One of the chosen organizations is not among your clients."
RACE = "Another assessment was started for one of these organizations just now; try again."


class CampaignError(Exception):
    """A request that breaks a campaign rule; the message is shown and nothing is written."""


class NotAssigned(CampaignError):
    """An org id that is not one of the consultant's clients (the view answers 404)."""


def campaign_start(*, by, name: str, org_ids: list[str], due_date: date | None) -> Campaign:
    """Start the current questionnaire in every chosen org (joining a draft already open there,
    since an org has one open draft at most), with `due_date` on each, and queue an email to
    each org's leaders. All or nothing."""
    name = (name or "").strip()
    if not name:
        raise CampaignError(NAME_MISSING)
    if len(name) > 120:
        raise CampaignError(NAME_TOO_LONG)
    wanted = list(dict.fromkeys(org_ids))
    if not wanted:
        raise CampaignError(NO_ORGS)
    if len(wanted) > MAX_ORGS:
        raise CampaignError(TOO_MANY_ORGS)
    if due_date is None:
        raise CampaignError(DUE_MISSING)
    if due_date < timezone.localdate():
        raise CampaignError(DUE_IN_PAST)
    try:
        orgs = list(orgs_assigned_to(by).filter(public_id__in=wanted).order_by("name", "id"))
    except ValidationError as exc:  # a malformed id cannot name one of their clients either
        raise NotAssigned(NOT_ASSIGNED) from exc
    if len(orgs) != len(wanted):
        raise NotAssigned(NOT_ASSIGNED)
    try:
        version = current_published_version()
    except AssessmentError as exc:
        raise CampaignError(str(exc)) from exc
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(consultant=by, name=name, due_date=due_date)
            open_drafts = {
                a.org_id: a
                for a in Assessment.objects.select_for_update().filter(
                    org__in=orgs, status=Assessment.Status.DRAFT
                )
            }
            # A draft that has no due date takes the campaign's; one that has its own keeps it
            # (the org's leader set it, and the campaign page shows it).
            Assessment.objects.filter(pk__in=[a.pk for a in open_drafts.values()]).filter(
                due_date__isnull=True
            ).update(due_date=due_date)
            new = Assessment.objects.bulk_create(
                [
                    Assessment(org=org, version=version, started_by=by, due_date=due_date)
                    for org in orgs
                    if org.pk not in open_drafts
                ]
            )
            started = {a.org_id: a for a in new}
            CampaignOrg.objects.bulk_create(
                [
                    CampaignOrg(
                        campaign=campaign,
                        org=org,
                        assessment=started.get(org.pk) or open_drafts[org.pk],
                        start=CampaignOrg.Start.STARTED
                        if org.pk in started
                        else CampaignOrg.Start.JOINED,
                    )
                    for org in orgs
                ]
            )
    except IntegrityError as exc:  # a concurrent start took an org's one open draft
        raise CampaignError(RACE) from exc
    _notify_leaders(campaign=campaign, orgs=orgs, by=by)
    return campaign


def _notify_leaders(*, campaign: Campaign, orgs, by) -> int:
    rows = {
        r.org_id: r
        for r in CampaignOrg.objects.filter(campaign=campaign).select_related("assessment__org")
    }
    leaders = Membership.objects.filter(
        org__in=orgs, role=Membership.Role.LEADER, user__is_active=True
    ).select_related("user")
    messages = [
        emails.campaign_started(
            user=m.user, campaign=campaign, assessment=rows[m.org_id].assessment, by=by
        )
        for m in leaders
        if m.user.email
    ]
    if messages:
        # The queued backend: each message becomes a task the worker delivers.
        get_connection().send_messages(messages)
    return len(messages)


# --- progress --------------------------------------------------------------------------------


@dataclass
class OrgProgress:
    row: CampaignOrg
    state: str  # "not_started" | "in_progress" | "submitted" | "withdrawn"
    percent: int = 0  # answers given across current members, of every member answering all
    members: int = 0
    finished: int = 0  # members who answered every question
    started: int = 0  # members who answered at least one

    @property
    def label(self) -> str:
        if self.state == "withdrawn":
            return "No longer your client"
        if self.state == "submitted":
            return "Submitted"
        if self.state == "in_progress":
            return f"In progress {self.percent}%"
        return "Not started"


@dataclass
class CampaignProgress:
    orgs: list[OrgProgress]

    @property
    def counts(self) -> Counter:
        return Counter(p.state for p in self.orgs)

    @property
    def submitted(self) -> list[OrgProgress]:
        return [p for p in self.orgs if p.state == "submitted"]

    @property
    def all_done(self) -> bool:
        return bool(self.submitted) and self.unfinished == 0

    @property
    def unfinished(self) -> int:
        return sum(1 for p in self.orgs if p.state in ("not_started", "in_progress"))

    def compare_groups(self) -> list[list[OrgProgress]]:
        """The submitted orgs in groups the compare page takes (2 to 12); a last group of one
        joins the group before it when that keeps it within 12, else it is left out."""
        done = self.submitted
        if len(done) < 2:
            return []
        groups = [done[i : i + COMPARE_MAX] for i in range(0, len(done), COMPARE_MAX)]
        if len(groups[-1]) == 1:
            # Borrow one org from the previous full group so every link compares two or more.
            groups[-1].insert(0, groups[-2][-1])
        return groups


def _still_assigned(campaign: Campaign) -> set[int]:
    """The campaign's orgs the consultant may still open: a client who revoked the assignment
    (or now requires MFA the consultant lacks) shows no progress, reminders or comparison."""
    return set(
        orgs_assigned_to(campaign.consultant)
        .filter(pk__in=campaign.rows.values("org_id"))
        .values_list("pk", flat=True)
    )


def campaign_progress(campaign: Campaign) -> CampaignProgress:
    """Every org's state and its respondents' progress, in five queries whatever the size."""
    allowed = _still_assigned(campaign)
    rows = list(campaign.rows.select_related("org", "assessment"))
    drafts = [
        r.assessment for r in rows if r.assessment and r.assessment.is_draft and r.org_id in allowed
    ]
    totals = (
        dict(
            Question.objects.filter(domain__version_id__in={a.version_id for a in drafts})
            .values_list("domain__version_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        if drafts
        else {}
    )
    members = defaultdict(set)
    for org_id, user_id in (
        Membership.objects.filter(org_id__in=[a.org_id for a in drafts]).values_list(
            "org_id", "user_id"
        )
        if drafts
        else []
    ):
        members[org_id].add(user_id)
    answered: dict[tuple[int, int], int] = {}
    if drafts:
        answered = {
            (a, u): n
            for a, u, n in Answer.objects.filter(assessment__in=drafts)
            .filter(Q(dont_know=True) | Q(option__isnull=False))
            .values_list("assessment_id", "respondent_id")
            .annotate(n=Count("pk"))
            .order_by()
        }
    result = []
    for row in rows:
        a = row.assessment
        if row.org_id not in allowed:
            result.append(OrgProgress(row, "withdrawn"))
            continue
        if a is None:
            result.append(OrgProgress(row, "not_started"))
            continue
        if not a.is_draft:
            result.append(OrgProgress(row, "submitted", percent=100))
            continue
        total = totals.get(a.version_id, 0)
        people = members[a.org_id]
        counts = [min(answered.get((a.pk, u), 0), total) for u in people]
        given = sum(counts)
        percent = int(100 * given / (total * len(people))) if total and people else 0
        result.append(
            OrgProgress(
                row,
                "in_progress" if given else "not_started",
                percent=percent,
                members=len(people),
                finished=sum(1 for c in counts if total and c >= total),
                started=sum(1 for c in counts if c),
            )
        )
    return CampaignProgress(result)


@dataclass
class RemindAllResult:
    orgs: int = 0
    sent: int = 0
    held_back: int = 0
    opted_out: int = 0


def campaign_remind(*, campaign: Campaign, by) -> RemindAllResult:
    """The review page's "Remind" for every open draft of the campaign: the same rules (each
    respondent at most once in 12 hours, opted-out people left out)."""
    result = RemindAllResult()
    drafts = Assessment.objects.filter(
        pk__in=campaign.rows.values("assessment_id"),
        org_id__in=_still_assigned(campaign),
        status=Assessment.Status.DRAFT,
    ).select_related("org")
    for assessment in drafts:
        try:
            one = remind_unfinished(assessment=assessment, by=by)
        except NotificationError:  # submitted between the query and now: nobody to remind
            continue
        result.orgs += 1
        result.sent += len(one.sent)
        result.held_back += len(one.held_back)
        result.opted_out += len(one.opted_out)
    return result
