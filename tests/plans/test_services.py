"""Plan rules: adopting (all, some, never twice), default due dates, who may change what, the
history of changes, comments, and progress figures."""

import datetime

import pytest
from django.utils import timezone

from assessment.report import report_build
from orgs.permissions import Role
from plans import services
from plans.models import PlanComment, PlanEvent, PlanItem

LEADER = frozenset({Role.LEADER})
MEMBER = frozenset({Role.MEMBER})
CONSULTANT = frozenset({Role.CONSULTANT})
STAFF = frozenset({Role.STAFF})


def _offer(assessment):
    return services.adoptables(report_build(assessment=assessment, with_appendix=False))


def test_adopting_picked_items_snapshots_the_action_and_dates_it_by_horizon(personas, first_result):
    offer = {a.key: a for a in _offer(first_result)}

    added, _ = services.adopt(
        org=personas.org_a,
        assessment=first_result,
        actor=personas.leader_a,
        items=list(offer.values()),
        keys=["alpha-q1-tiers-list"],
    )

    item = PlanItem.objects.get()
    action = offer["alpha-q1-tiers-list"]
    assert added == 1
    assert (item.title, item.why, item.done_when, item.first_step) == (
        action.title,
        action.why,
        action.done_when,
        action.first_step,
    )
    assert item.lifts == [{"key": "alpha-q1", "label": "alpha tiers", "from_level": 1}]
    assert item.domain_name == "Alpha Domain"
    assert item.due_date == timezone.localdate() + datetime.timedelta(days=action.horizon)
    assert item.source_assessment == first_result
    assert item.status == PlanItem.Status.PLANNED
    assert list(item.events.values_list("field", flat=True)) == ["adopted"]


def test_adopting_twice_never_duplicates_items(personas, first_result, adopted):
    added, reopened = services.adopt(
        org=personas.org_a,
        assessment=first_result,
        actor=personas.leader_a,
        items=_offer(first_result),
        keys=None,
    )

    assert (added, reopened) == (0, 0)
    assert PlanItem.objects.count() == len(adopted)


@pytest.mark.parametrize(
    ("keys", "message"),
    [([], services.NOTHING_CHOSEN), (["not-an-action"], "not in this report's roadmap")],
)
def test_adopting_nothing_or_unknown_actions_is_refused_and_adds_nothing(
    personas, first_result, keys, message
):
    with pytest.raises(services.PlanError, match=message):
        services.adopt(
            org=personas.org_a,
            assessment=first_result,
            actor=personas.leader_a,
            items=_offer(first_result),
            keys=keys,
        )
    assert not PlanItem.objects.exists()


def test_a_leader_changes_owner_status_and_date_and_each_change_is_recorded(personas, adopted):
    item = adopted[0]
    new_date = item.due_date + datetime.timedelta(days=7)

    services.item_update(
        item=item,
        actor=personas.leader_a,
        roles=LEADER,
        status="in_progress",
        owner_id=personas.member_a.pk,
        owner_given=True,
        due_date=new_date.isoformat(),
    )

    item.refresh_from_db()
    assert (item.status, item.owner, item.due_date) == ("in_progress", personas.member_a, new_date)
    events = {e.field: (e.old, e.new, e.actor) for e in item.events.exclude(field="adopted")}
    assert events == {
        "status": ("Planned", "In progress", personas.leader_a),
        "owner": ("", personas.member_a.email, personas.leader_a),
        "due_date": (
            (new_date - datetime.timedelta(days=7)).isoformat(),
            new_date.isoformat(),
            personas.leader_a,
        ),
    }


def test_a_consultant_manages_every_item(personas, adopted):
    services.item_update(
        item=adopted[0],
        actor=personas.consultant_a,
        roles=CONSULTANT,
        owner_id=personas.consultant_a.pk,
        owner_given=True,
    )

    adopted[0].refresh_from_db()
    assert adopted[0].owner == personas.consultant_a


def test_done_sets_the_time_it_was_done_and_reopening_clears_it(personas, adopted):
    item = adopted[0]
    services.item_update(item=item, actor=personas.leader_a, roles=LEADER, status="done")
    assert item.done_at is not None

    services.item_update(item=item, actor=personas.leader_a, roles=LEADER, status="planned")
    assert item.done_at is None


def test_a_member_changes_the_status_of_an_item_they_own(personas, adopted):
    item = adopted[0]
    PlanItem.objects.filter(pk=item.pk).update(owner=personas.member_a)
    item.refresh_from_db()

    services.item_update(item=item, actor=personas.member_a, roles=MEMBER, status="done")

    item.refresh_from_db()
    assert item.status == "done"


def test_a_member_cannot_change_an_item_they_do_not_own(personas, adopted):
    with pytest.raises(services.PlanError, match="only the plan items you own"):
        services.item_update(item=adopted[0], actor=personas.member_a, roles=MEMBER, status="done")
    adopted[0].refresh_from_db()
    assert adopted[0].status == "planned"


def test_a_member_cannot_reassign_or_redate_even_their_own_item(personas, adopted):
    item = adopted[0]
    PlanItem.objects.filter(pk=item.pk).update(owner=personas.member_a)
    item.refresh_from_db()

    with pytest.raises(services.PlanError, match="leader or consultant"):
        services.item_update(
            item=item,
            actor=personas.member_a,
            roles=MEMBER,
            owner_id=personas.leader_a.pk,
            owner_given=True,
        )
    with pytest.raises(services.PlanError, match="leader or consultant"):
        services.item_update(
            item=item, actor=personas.member_a, roles=MEMBER, due_date="2030-01-01"
        )
    item.refresh_from_db()
    assert item.owner == personas.member_a
    assert not item.events.exclude(field="adopted").exists()


def test_staff_see_the_plan_but_cannot_change_it(personas, adopted):
    with pytest.raises(services.PlanError):
        services.item_update(item=adopted[0], actor=personas.staff, roles=STAFF, status="done")


def test_the_owner_must_have_access_to_the_org(personas, adopted):
    with pytest.raises(services.PlanError, match="no access"):
        services.item_update(
            item=adopted[0],
            actor=personas.leader_a,
            roles=LEADER,
            owner_id=personas.leader_b.pk,
            owner_given=True,
        )
    adopted[0].refresh_from_db()
    assert adopted[0].owner is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "finished"}, "Choose a status"),
        ({"status": "dropped"}, "Say why"),
        ({"status": "dropped", "drop_reason": "x" * 501}, "Say why"),
        ({"due_date": "next week"}, "YYYY-MM-DD"),
        ({"owner_id": "abc", "owner_given": True}, "no access"),
    ],
)
def test_bad_changes_are_refused_and_change_nothing(personas, adopted, changes, message):
    item = adopted[0]
    before = (item.status, item.owner_id, item.due_date)

    with pytest.raises(services.PlanError, match=message):
        services.item_update(item=item, actor=personas.leader_a, roles=LEADER, **changes)

    item.refresh_from_db()
    assert (item.status, item.owner_id, item.due_date) == before
    assert not PlanEvent.objects.exclude(field="adopted").exists()


def test_dropping_keeps_the_reason(personas, adopted):
    services.item_update(
        item=adopted[0],
        actor=personas.leader_a,
        roles=LEADER,
        status="dropped",
        drop_reason="Covered by the onboarding project.",
    )

    adopted[0].refresh_from_db()
    assert adopted[0].drop_reason == "Covered by the onboarding project."


def test_comments_keep_author_and_text_and_refuse_empty_or_long_text(personas, adopted):
    item = adopted[0]
    services.comment_add(item=item, actor=personas.leader_a, roles=LEADER, text=" Started. ")

    with pytest.raises(services.PlanError, match="Write a comment"):
        services.comment_add(item=item, actor=personas.leader_a, roles=LEADER, text="  ")
    with pytest.raises(services.PlanError, match="2,000"):
        services.comment_add(item=item, actor=personas.leader_a, roles=LEADER, text="x" * 2001)
    with pytest.raises(services.PlanError):
        services.comment_add(item=item, actor=personas.member_a, roles=MEMBER, text="Not mine")

    assert list(PlanComment.objects.values_list("author", "text")) == [
        (personas.leader_a.pk, "Started.")
    ]


def test_progress_counts_done_overdue_and_the_next_upcoming_date_without_dropped_items(
    personas, adopted
):
    today = timezone.localdate()
    first, second, third = adopted
    PlanItem.objects.filter(pk=first.pk).update(status="done")
    PlanItem.objects.filter(pk=second.pk).update(due_date=today - datetime.timedelta(days=1))
    PlanItem.objects.filter(pk=third.pk).update(status="dropped", drop_reason="Later.")

    progress = services.progress(personas.org_a)

    assert (progress.done, progress.total, progress.overdue) == (1, 2, 1)
    assert progress.next_due is None  # the only open item is overdue, counted apart
    assert progress.percent == 50


def test_eligible_owners_are_the_people_with_a_role_in_the_org(personas):
    owners = set(services.eligible_owners(personas.org_a))

    assert owners == {personas.leader_a, personas.member_a, personas.consultant_a}
