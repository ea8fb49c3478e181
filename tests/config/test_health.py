def test_healthz_answers_ok_without_login_or_database(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_refuses_post(client):
    assert client.post("/healthz/").status_code == 405


def test_healthz_is_exempt_from_the_https_redirect(db, client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz/").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
