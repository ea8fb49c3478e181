from django.urls import reverse


def test_pages_send_a_content_security_policy_without_inline_script(client, db):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_forbid_framing_and_sniffing(client, db):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_templates_have_no_inline_script(settings):
    from pathlib import Path

    templates = Path(settings.BASE_DIR, "templates").rglob("*.html")
    inline = [
        str(path)
        for path in templates
        for line in path.read_text().splitlines()
        if "<script" in line and "src=" not in line
    ]
    assert inline == []
