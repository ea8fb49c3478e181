"""The domain page sends the same few SQL queries however large the question bank is."""

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.bank import bank_load
from assessment.models import Assessment
from tests.conftest import MINI_BANK

DOMAINS, QUESTIONS, LEVELS = 8, 40, ("reactive", "proactive", "predictive", "strategic", "embedded")


def large_bank_text() -> str:
    """The mini bank grown to 8 domains × 40 questions × 5 answers, each domain with a copy of
    the mini bank's actions for its first domain."""
    mini = yaml.safe_load(MINI_BANK.read_text(encoding="utf-8"))
    template_actions = [a for a in mini["actions"] if a["domain"] == "alpha"]
    domains, actions = [], []
    for d in range(1, DOMAINS + 1):
        key = f"domain-{d}"
        domains.append(
            {
                "key": key,
                "name": f"Domain {d}",
                "description": f"Practice area {d}.",
                "weight": 1,
                "questions": [
                    {
                        "key": f"{key}-q{q}",
                        "text": f"How does your team handle practice {q} of area {d}?",
                        "help": "Evidence: a document you can show.",
                        "weight": 1,
                        "answers": [f"Area {d}, practice {q}: {level}." for level in LEVELS],
                    }
                    for q in range(1, QUESTIONS + 1)
                ],
            }
        )
        actions += [
            {**a, "key": a["key"].replace("alpha", key), "domain": key} for a in template_actions
        ]
    bank = {**mini, "slug": "large", "name": "Large bank", "domains": domains, "actions": actions}
    return yaml.safe_dump(bank, sort_keys=False)


@pytest.fixture
def large_draft(personas):
    version, _ = bank_load(text=large_bank_text())
    return Assessment.objects.create(
        org=personas.org_a, version=version, started_by=personas.leader_a
    )


@pytest.fixture
def mini_draft(personas, mini_version):
    return Assessment.objects.create(
        org=personas.org_b, version=mini_version, started_by=personas.leader_b
    )


def last_domain_url(assessment) -> str:
    key = assessment.version.domains.order_by("position").last().key
    return reverse("assessment_domain", args=[assessment.org.public_id, assessment.public_id, key])


def queries_of_get(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_large_bank_domain_page_stays_within_twelve_queries(
    personas, client_for, large_draft, django_assert_max_num_queries
):
    client = client_for(personas.member_a)
    url = last_domain_url(large_draft)
    for _ in range(2):  # the first request also reads the bank's structure
        with django_assert_max_num_queries(12):
            body = client.get(url).content.decode()
    assert body.count('type="radio"') == QUESTIONS * (len(LEVELS) + 1)
    assert f"</strong> of {DOMAINS * QUESTIONS} answered" in body


def test_domain_page_queries_are_the_same_for_a_large_and_a_small_bank(
    personas, client_for, large_draft, mini_draft
):
    counts = {}
    for name, draft, person in (
        ("large", large_draft, personas.member_a),
        ("mini", mini_draft, personas.member_b),
    ):
        client = client_for(person)
        queries_of_get(client, last_domain_url(draft))  # the first one reads the structure
        counts[name] = queries_of_get(client, last_domain_url(draft))
    assert counts["large"] == counts["mini"] <= 12
