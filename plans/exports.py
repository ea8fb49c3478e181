"""The plan in the formats other tools import: CSV with the columns trackers map on import
(summary, description, assignee email, due date, status, labels) and an iCalendar file with one
all-day event per due date."""

import csv
import datetime
import io

import icalendar
from django.utils import timezone
from django.utils.text import slugify

from assessment.exports import csv_safe
from plans.models import PlanItem

CSV_HEADER = ["summary", "description", "assignee_email", "due_date", "status", "labels"]
# Fixed part of every event's UID: the item's public id makes it stable across downloads, so a
# calendar that imports the file twice updates events instead of doubling them.
UID_DOMAIN = "stagewise.plan"


def _items(org):
    return PlanItem.objects.filter(plan__org=org).select_related("owner").order_by("due_date", "id")


def _description(item: PlanItem) -> str:
    parts = [item.why]
    if item.done_when:
        parts.append(f"Done when: {item.done_when}")
    if item.first_step:
        parts.append(f"First step: {item.first_step}")
    practices = ", ".join(
        f"{p.get('label') or p['key']} (from level {p.get('from_level')})" for p in item.lifts
    )
    if practices:
        parts.append(f"Lifts: {practices}")
    if item.drop_reason:
        parts.append(f"Dropped: {item.drop_reason}")
    return "\n\n".join(p for p in parts if p)


def _labels(item: PlanItem) -> str:
    return " ".join(["stagewise", f"domain-{item.domain_key}", f"{item.horizon}-days"])


def plan_csv(org) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for item in _items(org):
        writer.writerow(
            [
                csv_safe(item.title),
                csv_safe(_description(item)),
                item.owner.email if item.owner_id else "",
                item.due_date.isoformat(),
                item.get_status_display(),
                _labels(item),
            ]
        )
    return out.getvalue()


def plan_ics(org) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Stagewise//Action plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{org.name}: action plan")
    stamp = timezone.now()
    for item in _items(org):
        if item.status == PlanItem.Status.DROPPED:
            continue
        event = icalendar.Event()
        event.add("uid", f"{item.public_id}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due_date)
        event.add("dtend", item.due_date + datetime.timedelta(days=1))
        event.add("summary", f"Due: {item.title}")
        event.add("description", _description(item))
        event.add("categories", [item.domain_name])
        if item.status == PlanItem.Status.DONE:
            event.add("status", "CANCELLED")  # nothing left to do on that day
        if item.owner_id:
            event.add("attendee", f"mailto:{item.owner.email}")
        calendar.add_component(event)
    return calendar.to_ical()


def filename(org) -> str:
    return f"stagewise-plan-{slugify(org.slug) or 'org'}-{timezone.localdate():%Y-%m-%d}"
