"""Plan exports parse back: CSV with the columns trackers import, an iCalendar file with one
event per due date and stable UIDs, and the report PDF's plan appendix."""

import csv
import datetime
import io

import icalendar
from django.urls import reverse

from assessment.report import report_build, report_pdf_html
from plans.exports import CSV_HEADER
from plans.models import PlanItem


def _get(client, name, org):
    return client.get(reverse(name, args=[org.public_id]))


def test_plan_csv_has_tracker_columns_and_one_row_per_item(personas, adopted, client_for):
    item = adopted[0]
    PlanItem.objects.filter(pk=item.pk).update(owner=personas.member_a, status="in_progress")

    response = _get(client_for(personas.member_a), "plan_csv", personas.org_a)

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert list(rows[0]) == CSV_HEADER
    assert len(rows) == len(adopted)
    row = next(r for r in rows if r["summary"] == item.title)
    assert row["assignee_email"] == personas.member_a.email
    assert row["due_date"] == item.due_date.isoformat()
    assert row["status"] == "In progress"
    assert f"domain-{item.domain_key}" in row["labels"].split()
    assert f"Done when: {item.done_when}" in row["description"]


def test_plan_csv_keeps_formula_like_titles_as_text(personas, adopted, client_for):
    PlanItem.objects.filter(pk=adopted[0].pk).update(title="=HYPERLINK(1)")

    response = _get(client_for(personas.leader_a), "plan_csv", personas.org_a)

    assert "'=HYPERLINK(1)" in response.content.decode()


def test_plan_ics_has_one_event_per_due_date_with_stable_uids(personas, adopted, client_for):
    PlanItem.objects.filter(pk=adopted[0].pk).update(owner=personas.member_a)
    PlanItem.objects.filter(pk=adopted[1].pk).update(status="dropped", drop_reason="Later.")
    client = client_for(personas.leader_a)

    first = icalendar.Calendar.from_ical(_get(client, "plan_ics", personas.org_a).content)
    second = icalendar.Calendar.from_ical(_get(client, "plan_ics", personas.org_a).content)

    events = first.walk("VEVENT")
    kept = [i for i in adopted if i.pk != adopted[1].pk]
    assert len(events) == len(kept)
    assert [str(e["UID"]) for e in events] == [str(e["UID"]) for e in second.walk("VEVENT")]
    by_uid = {str(e["UID"]): e for e in events}
    event = by_uid[f"{adopted[0].public_id}@stagewise.plan"]
    assert event.decoded("DTSTART") == adopted[0].due_date
    assert event.decoded("DTEND") == adopted[0].due_date + datetime.timedelta(days=1)
    assert str(event["SUMMARY"]) == f"Due: {adopted[0].title}"
    assert str(event["ATTENDEE"]) == f"mailto:{personas.member_a.email}"


def test_the_report_pdf_has_a_plan_appendix_with_owner_and_due_date(
    personas, first_result, adopted
):
    PlanItem.objects.filter(pk=adopted[0].pk).update(owner=personas.member_a)
    first_result.refresh_from_db()

    html = report_pdf_html(assessment=first_result, org=personas.org_a)

    appendix = html.split("Appendix: the action plan")[1]
    for item in adopted:
        assert item.title in appendix
        assert f"{item.due_date:%-d %b %Y}" in appendix
    assert personas.member_a.email in appendix or personas.member_a.get_full_name() in appendix


def test_a_plan_change_makes_a_new_pdf_cache_key(personas, first_result, adopted):
    from assessment.services import report_pdf_key

    before = report_pdf_key(assessment=first_result, tags=frozenset())
    PlanItem.objects.filter(pk=adopted[0].pk).first().save()

    assert report_pdf_key(assessment=first_result, tags=frozenset()) != before


def test_a_report_without_plan_items_has_no_appendix(first_result):
    assert report_build(assessment=first_result).plan.appendix == ()
