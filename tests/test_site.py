"""Site-wide behaviour: error pages in the site's style, security headers, production checks."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_forbidden_page_is_in_the_site_style(client, professional):
    client.force_login(professional)
    response = client.get(reverse("petitions:queue"))
    assert response.status_code == 403
    assert "You do not have access to this page" in response.text
    assert 'href="#main"' in response.text  # the site layout, skip link included


@pytest.mark.django_db
def test_not_found_page_is_in_the_site_style(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.text


@pytest.mark.django_db
def test_anonymous_visitor_to_a_private_page_is_sent_to_log_in(client):
    url = reverse("tracker:dashboard")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_with_a_nonce(client):
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "'nonce-" in policy
    assert "script-src 'self' 'nonce-" in policy
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_assets_are_served_by_the_app_itself(client):
    page = client.get(reverse("home")).text
    assert "/static/vendor/bootstrap/bootstrap.min.css" in page
    assert "/static/vendor/htmx/htmx.min.js" in page
    assert "cdn" not in page.lower()
    # WhiteNoise serves it: no web server needed in front.
    response = client.get("/static/vendor/htmx/htmx.min.js")
    assert response.status_code == 200


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=os.environ | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "cecportal.settings.prod",
    "DJANGO_SECRET_KEY": "k3P!x9-production-grade-secret-value-with-many-chars-0a1b2c3d4e",
    "DJANGO_ALLOWED_HOSTS": "cec.example.org",
}


def test_production_settings_pass_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret():
    env = PROD_ENV | {"DJANGO_SECRET_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_every_model_of_the_project_is_in_the_admin():
    from django.apps import apps
    from django.contrib import admin

    ours = ["accounts", "catalog", "tracker", "petitions", "notices", "reporting", "api"]
    missing = [
        model._meta.label
        for app in ours
        for model in apps.get_app_config(app).get_models()
        if not admin.site.is_registered(model)
    ]
    assert not missing, f"Models without an admin: {missing}"


@pytest.mark.django_db
def test_admin_pages_of_every_model_open(client, site_admin):
    from django.contrib import admin

    client.force_login(site_admin)
    failures = []
    for model in admin.site._registry:
        opts = model._meta
        for view in ("changelist", "add"):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}")
            status = client.get(url).status_code
            if status not in (200, 403):  # 403: an admin may forbid adding (e.g. audit rows)
                failures.append(f"{url}: {status}")
    assert not failures


def test_email_is_console_by_default_and_smtp_by_environment():
    code = (
        "from django.conf import settings; m = settings.MAILERS['default']; "
        "print(m['BACKEND'], m.get('OPTIONS', {}).get('host'), m.get('OPTIONS', {}).get('port'))"
    )
    dev = _manage(
        "shell", "-v", "0", "-c", code, env={"DJANGO_SETTINGS_MODULE": "cecportal.settings.dev"}
    )
    assert dev.stdout.split()[:1] == ["django.core.mail.backends.console.EmailBackend"]
    smtp = _manage(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        env=PROD_ENV | {"SMTP_HOST": "smtp.example.org", "SMTP_PORT": "2525"},
    )
    assert smtp.stdout.split()[-3:] == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        "2525",
    ], smtp.stderr


def test_no_template_comment_spans_lines():
    """Django's `{# #}` comment ends at the line's end: one that goes on to the next line is
    printed on the page as text. Longer comments take `{% comment %}`."""
    broken = []
    for path in sorted(Path(settings.BASE_DIR).glob("*/templates/**/*.html")) + sorted(
        (Path(settings.BASE_DIR) / "templates").glob("**/*.html")
    ):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"\{#(?!.*#\})", line):
                broken.append(f"{path.relative_to(settings.BASE_DIR)}:{number}")
    assert broken == []


@pytest.mark.django_db
def test_my_cecs_and_the_catalog_show_no_template_syntax(client, professional):
    client.force_login(professional)
    for url in (reverse("tracker:dashboard"), reverse("catalog:course-list")):
        html = client.get(url).content.decode()
        assert "{#" not in html and "#}" not in html and "{%" not in html
