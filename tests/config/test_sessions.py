"""Sessions end SESSION_COOKIE_AGE after login, enforced by the server whatever the cookie says."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

PASSWORD = "correct horse battery staple"  # tests/factories.py


def log_in(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return Session.objects.get(session_key=client.session.session_key)


def test_a_new_session_expires_after_the_configured_age(client, personas, settings):
    before = timezone.now()
    session = log_in(client, personas.leader_a)
    after = timezone.now()

    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert before + age <= session.expire_date <= after + age


def test_a_session_past_its_expiry_is_sent_to_the_login_page(client, personas):
    session = log_in(client, personas.leader_a)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    org_home = reverse("org_home", args=[personas.org_a.public_id])

    response = client.get(org_home)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={org_home}"


def test_a_session_just_before_its_expiry_still_works(client, personas):
    session = log_in(client, personas.leader_a)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=1))

    response = client.get(reverse("org_home", args=[personas.org_a.public_id]))

    assert response.status_code == 200
