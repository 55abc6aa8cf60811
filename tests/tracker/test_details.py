"""Small things people notice: acronyms kept, a favicon, responses that say they differ for
htmx, session rows only for conferences, the CECs box as output, and `make run` on PORT."""

import datetime
import io
import os
import subprocess
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from cecportal.templatetags.text import in_sentence
from tests.catalog.factories import CourseFactory
from tracker.models import CreditEntry

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        ("CPR/AED renewal", "CPR/AED renewal"),
        ("First Aid / AED renewal", "First Aid / AED renewal"),
        ("Certification from another NCCA-accredited certifier", None),
        ("Presenting", "presenting"),
        ("Mentoring / community outreach", "mentoring / community outreach"),
    ],
)
def test_labels_in_a_sentence_keep_their_acronyms(label, shown):
    assert in_sentence(label) == (shown or label)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "title"),
    [("cpr-aed", "Add CPR/AED renewal"), ("broadening", "NCCA-accredited")],
)
def test_activity_pages_keep_acronyms_in_their_titles(pro_client, slug, title):
    page = pro_client.get(reverse("tracker:activity-add", args=[slug])).text
    assert title in page
    assert "cpr/aed" not in page and "ncca" not in page


@pytest.mark.django_db
def test_favicon_is_served(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.django_db
def test_responses_that_differ_for_htmx_say_so(holder_client, holder, today):
    CourseFactory(number="CA23456", cec_value=Decimal("0.3"))
    lookup = holder_client.get(reverse("catalog:lookup"), {"number": "CA23456"})
    assert "HX-Request" in lookup["Vary"]
    for htmx in (False, True):
        headers = {"HX-Request": "true"} if htmx else {}
        response = holder_client.post(
            reverse("tracker:credit-add"),
            {
                "course_number": "CA23456",
                "completion_date": (today - datetime.timedelta(days=htmx)).strftime("%m/%d/%Y"),
                "token": f"00000000-0000-0000-0000-00000000000{int(htmx)}",
            },
            headers=headers,
        )
        assert "HX-Request" in response["Vary"], htmx


@pytest.mark.django_db
def test_the_cecs_box_is_output_and_focus_goes_to_the_new_row(holder_client, holder, today):
    CourseFactory(number="CA23456", cec_value=Decimal("0.3"))
    page = holder_client.get(reverse("tracker:dashboard")).text
    assert '<output name="credit" id="id_credit"' in page
    response = holder_client.post(
        reverse("tracker:credit-add"),
        {
            "course_number": "CA23456",
            "completion_date": today.strftime("%m/%d/%Y"),
            "token": str(uuid.uuid4()),
        },
        headers={"HX-Request": "true"},
    )
    entry = CreditEntry.objects.get(user=holder)
    assert f'id="entry-{entry.pk}" class="ledger-row" tabindex="-1" data-focus-new' in (
        response.text
    )
    # Without htmx, the page opens at the new row.
    CourseFactory(number="CA23457", cec_value=Decimal("0.3"))
    response = holder_client.post(
        reverse("tracker:credit-add"),
        {
            "course_number": "CA23457",
            "completion_date": today.strftime("%m/%d/%Y"),
            "token": str(uuid.uuid4()),
        },
    )
    newest = CreditEntry.objects.filter(user=holder).latest("pk")
    assert response["Location"].endswith(f"#entry-{newest.pk}")


@pytest.mark.django_db
def test_session_rows_only_for_a_conference(client, provider_staff):
    client.force_login(provider_staff)
    url = reverse("catalog:provider-course-create")
    assert '<fieldset id="sessions-fieldset" class="border rounded p-3 mb-3" hidden>' in (
        client.get(url).text
    )
    chosen = client.post(url, {"title": "Summit", "delivery_format": "conference"}).text
    assert '<fieldset id="sessions-fieldset" class="border rounded p-3 mb-3">' in chosen


@pytest.mark.django_db
def test_demo_prints_the_address_on_port(monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "Log in at http://127.0.0.1:8123/ as:" in out.getvalue()


def test_make_run_serves_on_port_with_runtime_dependencies_only():
    env = {**os.environ, "PORT": "8123"}
    plan = subprocess.run(
        ["make", "-n", "-B", "run"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "honcho start -f Procfile.dev --port 8123" in plan
    assert "pip install" in plan and "-e ." in plan
    assert "[test]" not in plan
    assert "runserver 127.0.0.1:$PORT" in (ROOT / "Procfile.dev").read_text()
    test_plan = subprocess.run(
        ["make", "-n", "-B", "test"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert '-e ".[test]"' in test_plan
