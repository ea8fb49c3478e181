"""Words people read instead of internal codes: the questionnaire's name on the org home, an
empty choice that says what to do, labels beside codes in CSV files."""

import re

from django.urls import reverse


def test_org_home_names_the_questionnaire_and_its_version_in_words(personas, client_for, draft):
    body = (
        client_for(personas.leader_a)
        .get(reverse("org_home", args=[personas.org_a.public_id]))
        .content.decode()
    )

    assert "using Mini bank (version 1)." in body
    assert "mini v1" not in body


def test_profile_selects_offer_choose_instead_of_dashes(personas, client_for):
    client = client_for(personas.leader_a)
    for url in (reverse("org_profile", args=[personas.org_a.public_id]), reverse("org_new")):
        body = client.get(url).content.decode()
        assert "---------" not in body
        # ARR band, segment, team size and team age
        assert len(re.findall(r'<option value=""[^>]*>Choose…</option>', body)) == 4
