"""The report and the consultant's portfolio, in a real browser: targets steer the roadmap, the
PDF downloads, and the demo consultant compares clients and exports them."""

import csv
import io

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from assessment.services import AnswerInput, answers_save, assessment_submit
from orgs.demo import CONSULTANT_EMAIL, DEMO_ORGS, DEMO_PASSWORD, demo_build
from tests.browser.helpers import login

pytestmark = pytest.mark.browser


def submit_everything(team, level_for_domain):
    items = []
    for domain in team.version.domains.prefetch_related("questions__options"):
        for question in domain.questions.all():
            option = next(
                o for o in question.options.all() if o.level == level_for_domain(domain.key)
            )
            items.append(AnswerInput(str(question.pk), str(option.pk)))
    answers_save(assessment=team.assessment, respondent=team.leader, items=items)
    return assessment_submit(assessment=team.assessment, by=team.leader)


def roadmap_titles(page) -> list[str]:
    return page.locator("#roadmap .item-title strong").all_inner_texts()


def test_leader_sets_a_target_sees_the_roadmap_change_and_downloads_the_pdf(page, team):
    # Segmentation answers at level 1 (Reactive), everything else at level 3 (Predictive).
    assessment = submit_everything(team, lambda key: 1 if key == "segmentation" else 3)
    login(page, team.leader.email)
    page.goto(reverse("assessment_result", args=[team.org.public_id, assessment.public_id]))
    expect(
        page.get_by_role("heading", name="Roadmap: the next 30, 90 and 180 days")
    ).to_be_visible()
    segmentation_items = page.locator("#roadmap .roadmap-item", has_text="Segmentation & Coverage")
    assert segmentation_items.count() > 0
    before = roadmap_titles(page)

    # Hold Segmentation at Reactive, in the domain table: the change saves itself and the
    # roadmap is swapped in place, the page staying where it is.
    url = page.url
    page.get_by_label("Target for Segmentation & Coverage").select_option(label="Reactive")
    expect(page.locator(".targets-status")).to_have_text(
        "Targets saved; the roadmap below follows them."
    )
    expect(segmentation_items).to_have_count(0)
    assert roadmap_titles(page) != before
    assert page.url == url

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("stagewise-")
    reader = PdfReader(download.path())
    text = " ".join(p.extract_text() for p in reader.pages)
    assert team.org.name in text and "Proactive" in text
    for title in roadmap_titles(page):
        assert " ".join(title.split()) in " ".join(text.split())


def test_demo_consultant_compares_three_clients_exports_csv_and_downloads_a_pdf(page, bank):
    demo_build()
    login(page, CONSULTANT_EMAIL, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Your client portfolio")).to_be_visible()
    names = sorted(demo.name for demo in DEMO_ORGS)  # the portfolio lists clients by name
    for name in names:
        page.get_by_label(f"Compare {name}").check()
    page.get_by_role("button", name="Compare selected").click()
    expect(page.get_by_role("heading", name="Compare 3 organizations")).to_be_visible()
    heatmap = page.locator("table.heatmap")
    for name in names:
        expect(heatmap.get_by_role("columnheader", name=name)).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    with open(download_info.value.path(), encoding="utf-8") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert rows[0] == ["domain"] + [f"{n} {kind}" for n in names for kind in ("score", "stage")]
    assert len(rows) == 1 + 8 + 2  # header, eight domains, overall and Crawl/Walk/Run

    page.get_by_role("link", name="← Portfolio").click()
    page.get_by_role("row", name=names[0]).get_by_role("link", name="2026").first.click()
    expect(page.get_by_role("heading", name=f"Maturity report {names[0]}")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    reader = PdfReader(download_info.value.path())
    assert names[0] in reader.pages[0].extract_text()
