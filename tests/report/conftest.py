"""Fixtures for the result report and its PDF: submitted assessments on the mini bank (two
domains, Alpha and Beta, three questions each; alpha-q1 is a gate for Predictive) and on the
real default bank."""

import contextlib
import copy
import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import yaml
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader

from assessment.bank import bank_load
from assessment.models import Assessment
from assessment.scoring import DONT_KNOW
from assessment.services import AnswerInput, answers_save, assessment_submit
from tests.conftest import MINI_BANK

# Previous assessment: the leader alone, everything at level 4 → Strategic in both domains.
PREVIOUS_ANSWERS = dict.fromkeys(
    ["alpha-q1", "alpha-q2", "alpha-q3", "beta-q1", "beta-q2", "beta-q3"], 4
)
# Current assessment. Scores: Alpha 37.5 (Proactive), Beta 62.5 (Strategic), overall 50
# (Predictive by score), but the Alpha gate (alpha-q1 ≥ 2 for Predictive) fails, so the org is
# capped at Proactive: a regression from Strategic. alpha-q2 is answered at levels 2 and 5 (an
# alignment gap), beta-q3 gets a "Don't know" (a data gap).
LEADER_ANSWERS = {
    "alpha-q1": 1,
    "alpha-q2": 5,
    "alpha-q3": 3,
    "beta-q1": 4,
    "beta-q2": 4,
    "beta-q3": DONT_KNOW,
}
MEMBER_ANSWERS = {
    "alpha-q1": 1,
    "alpha-q2": 2,
    "alpha-q3": 3,
    "beta-q1": 4,
    "beta-q2": 4,
    "beta-q3": 4,
}
LEADER_NOTE = "Evidence: the renewal playbook in our CS handbook."


def save_answers(assessment: Assessment, person, levels: dict, notes: dict | None = None) -> None:
    """Save one person's answers in one call: question key → level 1-5 or DONT_KNOW."""
    notes = notes or {}
    items = []
    for domain in assessment.version.domains.prefetch_related("questions__options"):
        for question in domain.questions.all():
            if question.key not in levels:
                continue
            level = levels[question.key]
            value = (
                DONT_KNOW
                if level == DONT_KNOW
                else str(next(o.pk for o in question.options.all() if o.level == level))
            )
            items.append(AnswerInput(str(question.pk), value, notes.get(question.key, "")))
    answers_save(assessment=assessment, respondent=person, items=items)


def submitted_assessment(org, version, by, people: dict, notes: dict | None = None) -> Assessment:
    """Start a draft for `org`, save each person's answers ({person: {question key: level}}),
    with optional notes ({person: {question key: note}}), submit, and return it fresh."""
    notes = notes or {}
    draft = Assessment.objects.create(org=org, version=version, started_by=by)
    for person, levels in people.items():
        save_answers(draft, person, levels, notes.get(person))
    assessment_submit(assessment=draft, by=by)
    return Assessment.objects.select_related("org", "version").get(pk=draft.pk)


def every_question(version, level) -> dict:
    return {
        q.key: level
        for d in version.domains.prefetch_related("questions")
        for q in d.questions.all()
    }


def url(name: str, assessment: Assessment) -> str:
    return reverse(name, args=[assessment.org.public_id, assessment.public_id])


def backdate(assessment: Assessment, days: int) -> Assessment:
    earlier = assessment.submitted_at - timedelta(days=days)
    Assessment.objects.filter(pk=assessment.pk).update(submitted_at=earlier, created_at=earlier)
    assessment.refresh_from_db()
    return assessment


def report_scenario(personas, version) -> tuple[Assessment, Assessment]:
    """(previous, current) for org A: `previous` is the leader alone at level 4, backdated 91
    days; `current` is capped by a gate, regressed since `previous`, with an alignment gap, a
    data gap and a note."""
    previous = submitted_assessment(
        personas.org_a, version, personas.leader_a, {personas.leader_a: PREVIOUS_ANSWERS}
    )
    backdate(previous, 91)
    people = {personas.leader_a: LEADER_ANSWERS, personas.member_a: MEMBER_ANSWERS}
    notes = {personas.leader_a: {"alpha-q1": LEADER_NOTE}}
    current = submitted_assessment(personas.org_a, version, personas.leader_a, people, notes)
    return previous, current


@pytest.fixture
def scenario(personas, mini_version) -> tuple[Assessment, Assessment]:
    return report_scenario(personas, mini_version)


@pytest.fixture
def report_assessment(scenario) -> Assessment:
    """Org A's newest result (see `report_scenario`)."""
    return scenario[1]


@contextlib.contextmanager
def rolled_back_db(django_db_blocker):
    """Database access for a module-scoped fixture, undone when the block ends, so expensive
    artefacts (rendered PDFs) can be made once and checked by many tests."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def plain_assessment(personas, mini_version) -> Assessment:
    """Org A's first and only result: everyone at level 3, Predictive, nothing caps it."""
    people = {
        personas.leader_a: every_question(mini_version, 3),
        personas.member_a: every_question(mini_version, 3),
    }
    return submitted_assessment(personas.org_a, mini_version, personas.leader_a, people)


@pytest.fixture
def default_assessment(personas, default_version) -> Assessment:
    """A result on the real bank (eight domains, long names): leader at 2, member at 3."""
    people = {
        personas.leader_a: every_question(default_version, 2),
        personas.member_a: every_question(default_version, 3),
    }
    return submitted_assessment(personas.org_a, default_version, personas.leader_a, people)


def bank_with_domain_names(names: list[str]) -> str:
    """The mini bank's text with one domain (three questions, no actions) per name."""
    bank = yaml.safe_load(MINI_BANK.read_text(encoding="utf-8"))
    template = bank["domains"][1]
    bank["domains"] = []
    for index, name in enumerate(names):
        domain = copy.deepcopy(template)
        domain["key"], domain["name"] = f"d{index}", name
        for question in domain["questions"]:
            question["key"] = question["key"].replace("beta", f"d{index}")
        bank["domains"].append(domain)
    bank["slug"], bank["actions"] = "long-names", []
    return yaml.safe_dump(bank)


# Eight domains with names of 58-62 characters: four times as long as a typical name.
LONG_DOMAIN_NAMES = [
    f"Customer Lifecycle Management, Renewals and Expansion Rev {n}" for n in range(8)
]


@pytest.fixture
def long_names_assessment(personas, db) -> Assessment:
    version, _ = bank_load(text=bank_with_domain_names(LONG_DOMAIN_NAMES))
    people = {personas.leader_a: every_question(version, 3)}
    return submitted_assessment(personas.org_a, version, personas.leader_a, people)


# --- reading pages and PDFs -------------------------------------------------------------------


class _TableParser(HTMLParser):
    """Rows of cell texts of the first <table> whose class contains `css_class`."""

    def __init__(self, css_class: str):
        super().__init__()
        self.css_class = css_class
        self.depth = 0  # >0 inside the wanted table
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.row_classes: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (self.depth or self.css_class in (attrs.get("class") or "")):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
            self.row_classes.append(attrs.get("class") or "")
        elif self.depth and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str, css_class: str) -> tuple[list[list[str]], list[str]]:
    parser = _TableParser(css_class)
    parser.feed(html)
    return parser.rows, parser.row_classes


SVG_NS = "{http://www.w3.org/2000/svg}"


def radar_svg(html: str) -> ET.Element:
    match = re.search(r'<svg class="radar".*?</svg>', html, re.S)
    assert match, "no radar <svg> in the page"
    return ET.fromstring(match.group(0))  # noqa: S314 - our own page, parsed in a test


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by `heading_id`."""
    match = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', html, re.S
    )
    assert match, f"no section labelled {heading_id}"
    return match.group(1)


def pdf_reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def pdf_pages_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in pdf_reader(content).pages]


def squash(text: str) -> str:
    """Whitespace collapsed to single spaces, so wrapped lines compare with the source."""
    return " ".join(text.split())
