"""The account settings page (issue 13, item 2): name, email addresses, password, two-factor
authentication, and notification preferences once that page exists."""

import re

from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from tests.html import main_of

URL = "/accounts/settings/"


def test_account_settings_has_the_url_name_the_account_menu_looks_for():
    assert reverse("account_settings") == URL


def test_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_page_shows_each_section_with_links_to_the_allauth_pages(personas, client_for):
    user = personas.leader_a
    assert EmailAddress.objects.filter(user=user, primary=True, verified=True).exists()
    EmailAddress.objects.create(user=user, email="other@example.com", verified=False)
    response = client_for(user).get(URL)
    assert response.status_code == 200
    html = main_of(response.content.decode())
    assert "<title>Account settings · Stagewise</title>" in response.content.decode()
    for anchor in ("name", "email", "password", "security"):
        assert f'id="{anchor}"' in html and f'href="#{anchor}"' in html
    assert f'href="{reverse("account_email")}"' in html
    assert f'href="{reverse("account_change_password")}"' in html
    assert f'href="{reverse("mfa_index")}"' in html
    assert "other@example.com" in html and "Not verified" in html
    assert re.search(r"Primary</span>\s*<span[^>]*>Verified", html)


def test_two_factor_shows_off_until_an_authenticator_is_set_up(personas, client_for):
    html = main_of(client_for(personas.leader_a).get(URL).content.decode())
    assert ">Off<" in html and "Turn on two-factor authentication" in html
    assert "recovery code" not in html


def test_two_factor_shows_on_and_the_recovery_codes_left(personas, client_for):
    user = personas.leader_a
    TOTP.activate(user, generate_totp_secret())
    codes = RecoveryCodes.activate(user)
    codes.validate_code(codes.get_unused_codes()[0])  # one used up
    html = main_of(client_for(user).get(URL).content.decode())
    assert ">On<" in html
    left = len(codes.get_unused_codes())
    assert f"{left} recovery codes left." in html


def test_saving_the_name_changes_it_and_returns_to_the_page(personas, client_for):
    user = personas.leader_a
    response = client_for(user).post(URL, {"first_name": "  Ada ", "last_name": "Lovelace"})
    assert response.status_code == 302 and response["Location"] == URL
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
    assert "Ada Lovelace" in client_for(user).get(URL).content.decode()


def test_an_empty_first_name_is_refused_and_changes_nothing(personas, client_for):
    user = personas.leader_a
    before = (user.first_name, user.last_name)
    response = client_for(user).post(URL, {"first_name": "   ", "last_name": "X"})
    assert response.status_code == 200
    assert "Enter the name colleagues know you by." in response.content.decode()
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == before


def test_a_name_longer_than_the_column_is_refused(personas, client_for):
    user = personas.leader_a
    response = client_for(user).post(URL, {"first_name": "A" * 151, "last_name": ""})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.first_name != "A" * 151


def test_settings_link_to_the_notification_preferences(personas, client_for):
    html = main_of(client_for(personas.leader_a).get(URL).content.decode())
    assert 'href="/accounts/notifications/"' in html and 'href="#notifications"' in html
