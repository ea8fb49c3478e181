"""The landing page a first-time visitor sees."""

import re
from html import unescape

from django.urls import reverse

from assessment.models import Question
from tests.html import main_of


def landing(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return main_of(response.content.decode())


def test_landing_states_the_size_of_the_questionnaire_in_use(client, default_version):
    body = landing(client)
    questions = Question.objects.filter(domain__version=default_version).count()
    domains = default_version.domains.count()
    stats = {
        label: int(value) for label, value in re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", body)
    }
    assert stats["questions"] == questions and stats["domains"] == domains


def test_landing_shows_a_sample_report_built_from_the_real_components(client, default_version):
    body = landing(client)
    assert "Sample report" in body and "illustrative figures" in body
    assert 'aria-current="step"' in body  # the stage ladder's "you are here"
    assert body.count('class="ladder-step') == 5
    assert '<svg class="radar"' in body
    # The radar's axes are the bank's domains (each label wrapped over a few <tspan> lines).
    axis_labels = [
        unescape(" ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", text)))
        for text in re.findall(r'<text[^>]*font-size="12"[^>]*>(.*?)</text>', body, re.S)
    ]
    assert axis_labels == list(
        default_version.domains.order_by("position").values_list("name", flat=True)
    )
    for horizon in ("First 30 days", "By day 90", "By day 180"):
        assert horizon in body


def test_landing_explains_the_three_steps_and_who_it_is_for(client, db):
    body = landing(client)
    steps = re.search(r'<ol class="steps[^"]*">(.*?)</ol>', body, re.S).group(1)
    assert steps.count("<li>") == 3
    assert "Who it is for" in body and "Consultants" in body


def test_landing_offers_sign_up_and_log_in(client, db):
    body = landing(client)
    assert f'href="{reverse("account_signup")}"' in body
    assert f'href="{reverse("account_login")}"' in body


def test_landing_without_a_published_bank_still_renders_without_figures(client, db):
    body = landing(client)
    assert "The time it takes" in body
    assert '<dl class="stat">' not in body and 'class="radar"' not in body
