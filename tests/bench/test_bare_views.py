"""The bench's bare views: a logged-in read of one row, a logged-in upsert of one answer row."""

import pytest
from django.urls import reverse

from assessment.models import Answer, Assessment


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "assessment.bench_timing"


@pytest.fixture
def post_data(personas, mini_version):
    draft = Assessment.objects.create(
        org=personas.org_a, version=mini_version, started_by=personas.leader_a
    )
    question = mini_version.domains.get(key="alpha").questions.get(key="alpha-q1")
    return lambda level: {
        "assessment": draft.pk,
        "question": question.pk,
        "value": question.options.get(level=level).pk,
    }


def test_bare_write_upserts_one_row(bench_urls, personas, client_for, post_data):
    client = client_for(personas.member_a)
    for level in (2, 3):
        assert client.post(reverse("bench_bare_write"), post_data(level)).status_code == 200
    answer = Answer.objects.get(respondent=personas.member_a)
    assert answer.option.level == 3


def test_bare_write_needs_a_login(bench_urls, client, post_data):
    assert client.post(reverse("bench_bare_write"), post_data(2)).status_code == 401
    assert not Answer.objects.exists()


def test_bare_read_answers_the_row_it_read(bench_urls, personas, client_for, mini_version):
    draft = Assessment.objects.create(
        org=personas.org_a, version=mini_version, started_by=personas.leader_a
    )
    url = reverse("bench_bare_read") + f"?assessment={draft.pk}"
    assert client_for(personas.member_a).get(url).json() == {"ok": True, "status": "draft"}


def test_bare_read_needs_a_login(bench_urls, client):
    assert client.get(reverse("bench_bare_read") + "?assessment=1").status_code == 401


def test_bench_urlconf_keeps_the_app_urls(bench_urls):
    assert reverse("healthz") == "/healthz/"
    assert reverse("bench_bare_write") == "/bench/bare-write/"
