"""What a person receives: the profile's checkboxes, and the unsubscribe link of each reminder."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notices import reminders
from notices.models import Email, Preferences
from tests.catalog.factories import CourseFactory
from tests.tracker.factories import CprCardFactory
from tracker import services
from tracker.models import Program

D = datetime.date
NINETY_DAYS_BEFORE = D(2025, 12, 31)  # ACE CPT earned 03/10/2024: deadline 03/31/2026


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


@pytest.fixture
def holder(professional):
    program = Program.objects.get(certifier__code="ace", name="Certified Personal Trainer")
    services.certification_add(
        user=professional, program=program, earned_on=D(2024, 3, 10), today=D(2025, 6, 1)
    )
    return professional


def profile_data(user, **preferences):
    data = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
    data.update({name: "on" for name, on in preferences.items() if on})
    return data


# --- The profile's checkboxes ------------------------------------------------------------------


def test_both_are_on_until_the_first_save(pro_client, professional):
    page = pro_client.get(reverse("accounts:profile")).text
    assert "Deadline reminders" in page and "Digests" in page
    assert re.search(r'<input[^>]*name="reminders"[^>]*checked', page)
    assert re.search(r'<input[^>]*name="digests"[^>]*checked', page)
    assert not Preferences.objects.filter(user=professional).exists()


def test_saving_the_profile_creates_the_preferences(pro_client, professional):
    response = pro_client.post(
        reverse("accounts:profile"), profile_data(professional, digests=True), follow=True
    )
    assert "Your profile was saved" in response.text
    preferences = Preferences.objects.get(user=professional)
    assert (preferences.reminders, preferences.digests) == (False, True)
    page = pro_client.get(reverse("accounts:profile")).text
    assert not re.search(r'<input[^>]*name="reminders"[^>]*checked', page)
    pro_client.post(reverse("accounts:profile"), profile_data(professional, reminders=True))
    preferences.refresh_from_db()
    assert (preferences.reminders, preferences.digests) == (True, False)
    assert Preferences.objects.filter(user=professional).count() == 1


def test_an_invalid_profile_saves_no_preferences(pro_client, professional):
    data = profile_data(professional) | {"email": "not an email"}
    response = pro_client.post(reverse("accounts:profile"), data)
    assert response.status_code == 200
    assert not Preferences.objects.filter(user=professional).exists()


def test_saving_keeps_the_calendar_link(pro_client, professional):
    preferences = Preferences.objects.create(user=professional, calendar_token="keep-me")
    pro_client.post(reverse("accounts:profile"), profile_data(professional, reminders=True))
    preferences.refresh_from_db()
    assert preferences.calendar_token == "keep-me"
    assert (preferences.reminders, preferences.digests) == (True, False)


def test_turned_off_on_the_profile_no_reminder_comes(client, holder):
    client.force_login(holder)
    client.post(reverse("accounts:profile"), profile_data(holder, digests=True))
    assert reminders.scan(now=at(NINETY_DAYS_BEFORE)) == 0


# --- Unsubscribing from a reminder -------------------------------------------------------------


def unsubscribe_path(email: Email) -> str:
    found = re.search(r"http://testserver(/notices/unsubscribe/[^/\s]+/)", email.body_text)
    assert found, email.body_text
    return found.group(1)


@pytest.fixture
def reminder_email(holder, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.scan(now=at(NINETY_DAYS_BEFORE)) == 1
    return Email.objects.get(kind="reminder_deadline")


def test_the_sent_reminder_carries_one_click_unsubscribe_headers(reminder_email):
    (message,) = mail.outbox
    assert message.extra_headers["List-Unsubscribe"] == (
        f"<http://testserver{unsubscribe_path(reminder_email)}>"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_path(reminder_email) in reminder_email.body_html


def test_opening_the_link_asks_first(client, holder, reminder_email):
    response = client.get(unsubscribe_path(reminder_email))
    assert response.status_code == 200
    assert "Stop receiving deadline reminders" in response.text
    assert not Preferences.objects.filter(user=holder, reminders=False).exists()


def test_one_click_unsubscribes_without_a_session_or_form_token(holder, reminder_email):
    mail_client = Client(enforce_csrf_checks=True)  # what a mail provider's one-click POST is
    response = mail_client.post(unsubscribe_path(reminder_email), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You will no longer receive deadline reminders" in response.text
    preferences = Preferences.objects.get(user=holder)
    assert (preferences.reminders, preferences.digests) == (False, True)
    # And the next mark stays quiet.
    assert reminders.scan(now=at(D(2026, 3, 1))) == 0


def test_a_tampered_link_changes_nothing_and_says_so(client, holder, reminder_email):
    path = unsubscribe_path(reminder_email)
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    for method in (client.get, client.post):
        response = method(tampered)
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.text
    assert not Preferences.objects.filter(user=holder).exists()


def test_a_digest_link_turns_off_digests_only(provider_staff, django_capture_on_commit_callbacks):
    CourseFactory(provider=provider_staff.provider, expires_on=D(2026, 6, 30))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.scan(now=at(D(2026, 3, 2))) == 1
    email = Email.objects.get(kind="approval_expiring")
    assert email.unsubscribe_list == "digests"
    Client().post(unsubscribe_path(email))
    preferences = Preferences.objects.get(user=provider_staff)
    assert (preferences.reminders, preferences.digests) == (True, False)
    assert reminders.scan(now=at(D(2026, 5, 31))) == 0


def test_a_card_reminder_unsubscribes_from_reminders(holder, django_capture_on_commit_callbacks):
    CprCardFactory(user=holder, issued_on=D(2024, 2, 1), expires_on=D(2026, 2, 15))
    assert reminders.scan(now=at(D(2025, 12, 17))) == 1
    email = Email.objects.get(kind="reminder_card")
    Client().post(unsubscribe_path(email))
    assert Preferences.objects.get(user=holder).reminders is False
