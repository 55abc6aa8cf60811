"""`make run` loads the demo every time: a second load must change nothing."""

import os
import subprocess

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models

APPS = ["accounts", "catalog", "tracker", "petitions", "reporting", "api"]


def _snapshot():
    tables = {}
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            # auto_now stamps record when a row was last saved, not what it holds.
            skip = {
                f.attname
                for f in model._meta.concrete_fields
                if isinstance(f, models.DateTimeField) and f.auto_now
            }
            fields = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
            tables[model._meta.label] = sorted(
                model.objects.values_list(*fields), key=lambda row: str(row)
            )
    return tables


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_nothing(capsys):
    call_command("demo")
    first = _snapshot()
    out = capsys.readouterr().out
    assert "pro@example.com" in out and "cecportal-demo" in out
    call_command("demo")
    second = _snapshot()
    changed = [label for label in first if first[label] != second[label]]
    assert not changed, f"A second demo load changed: {changed}"
    assert first["catalog.Course"] and first["tracker.CreditEntry"] and first["petitions.Petition"]


def test_make_run_points_email_links_at_its_web_server():
    """honcho gives each process of `make run` a port of its own: the worker and the clock,
    which send the emails, must still link to the web server's."""
    found = subprocess.run(
        ["make", "--no-print-directory", "-f", "Makefile", "-f", "-", "site-url"],
        input="site-url:\n\t@echo $$SITE_URL\n",
        env={**{k: v for k, v in os.environ.items() if k != "SITE_URL"}, "PORT": "8123"},
        cwd=settings.BASE_DIR, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert found.stdout.strip() == "http://127.0.0.1:8123"
