"""The private calendar feed: what it lists, that it is valid iCalendar, and who controls it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from icalendar import Calendar

from notices import calendar
from notices.models import Preferences
from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import CourseFactory
from tests.tracker.factories import CprCardFactory, CreditEntryFactory
from tracker import services
from tracker.models import Program

D = datetime.date


@pytest.fixture
def holder(professional):
    """ACE CPT earned 03/10/2024 (deadline 03/31/2026, grace to 09/30/2026) and a card."""
    program = Program.objects.get(certifier__code="ace", name="Certified Personal Trainer")
    certification = services.certification_add(
        user=professional, program=program, earned_on=D(2024, 3, 10), today=D(2025, 6, 1)
    )
    card = CprCardFactory(user=professional, issued_on=D(2024, 2, 1), expires_on=D(2026, 2, 15))
    professional.cycle = certification.cycles.get()
    professional.card = card
    return professional


@pytest.fixture
def holder_client(client, holder):
    client.force_login(holder)
    return client


def link_of(user) -> str:
    return Preferences.objects.get(user=user).calendar_token


def events(response) -> dict[str, dict]:
    """The feed's events by UID, each as {property: value}."""
    assert response["Content-Type"].startswith("text/calendar")
    parsed = Calendar.from_ical(response.content)
    assert str(parsed["VERSION"]) == "2.0"
    assert "CEC Portal" in str(parsed["PRODID"])
    found = {}
    for event in parsed.walk("VEVENT"):
        uid = str(event["UID"])
        assert uid not in found, f"duplicate UID {uid}"
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in event, f"{uid} has no {required}"
        found[uid] = {
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "summary": str(event["SUMMARY"]),
            "description": str(event.get("DESCRIPTION", "")),
            "stamp": event.decoded("DTSTAMP"),
        }
    return found


def test_the_feed_lists_deadlines_grace_marks_and_cards(holder_client, holder):
    holder_client.post(reverse("notices:calendar-link"))
    url = reverse("notices:calendar", args=[link_of(holder)])
    holder_client.logout()  # a calendar app has no session
    found = events(holder_client.get(url))
    cycle, card = holder.cycle.pk, holder.card.pk
    by_key = {uid.split("@")[0]: event for uid, event in found.items()}
    expected = {
        f"cycle-{cycle}-90d": D(2025, 12, 31),
        f"cycle-{cycle}-30d": D(2026, 3, 1),
        f"cycle-{cycle}-7d": D(2026, 3, 24),
        f"cycle-{cycle}-deadline": D(2026, 3, 31),
        f"cycle-{cycle}-grace-end": D(2026, 9, 30),
        f"card-{card}-expires": D(2026, 2, 15),
    }
    assert {key: event["start"] for key, event in by_key.items()} == expected
    for event in by_key.values():
        # All-day events: dates, not times, one day long.
        assert type(event["start"]) is datetime.date
        assert event["end"] == event["start"] + datetime.timedelta(days=1)
        assert isinstance(event["stamp"], datetime.datetime)
    deadline = by_key[f"cycle-{cycle}-deadline"]
    assert "ACE" in deadline["summary"] and "renewal deadline" in deadline["summary"]
    assert "Still needed: 2.0 CECs" in deadline["description"]
    assert "http://testserver/my/cecs/" in deadline["description"]
    assert "not extended" in by_key[f"cycle-{cycle}-grace-end"]["description"]
    assert by_key[f"card-{card}-expires"]["summary"] == "CPR/AED card expires"


def test_uids_are_stable_across_requests(holder_client, holder):
    holder_client.post(reverse("notices:calendar-link"))
    url = reverse("notices:calendar", args=[link_of(holder)])
    first, second = events(holder_client.get(url)), events(holder_client.get(url))
    assert set(first) == set(second)
    assert all(uid.endswith("@testserver") for uid in first)


def test_a_renewed_cycle_is_replaced_by_the_next(holder):
    """Only current cycles appear: after a renewal, the next cycle's dates."""
    course = CourseFactory(cec_value=Decimal("2.0"))
    CreditEntryFactory(user=holder, course=course, completion_date=D(2025, 5, 1))
    CprCardFactory(user=holder, issued_on=D(2025, 1, 1), expires_on=D(2028, 6, 1))
    following = services.cycle_renew(certification=holder.cycle.certification, on=D(2026, 2, 1))
    token = calendar.calendar_token_renew(user=holder)
    body = calendar.feed(
        holder, today=D(2026, 2, 2), now=datetime.datetime(2026, 2, 2, tzinfo=datetime.UTC)
    )
    keys = {str(e["UID"]).split("@")[0] for e in Calendar.from_ical(body).walk("VEVENT")}
    assert f"cycle-{following.pk}-deadline" in keys
    assert not any(k.startswith(f"cycle-{holder.cycle.pk}-") for k in keys)
    assert token


def test_an_unknown_token_is_not_found(client, db):
    assert client.get(reverse("notices:calendar", args=["no-such-token"])).status_code == 404


def test_a_new_link_replaces_the_old_one(holder_client, holder):
    response = holder_client.post(reverse("notices:calendar-link"), follow=True)
    assert "Your calendar link is ready" in response.text
    old = link_of(holder)
    assert reverse("notices:calendar", args=[old]) in response.text
    response = holder_client.post(reverse("notices:calendar-link"), follow=True)
    assert "The old link no longer works" in response.text
    new = link_of(holder)
    assert new != old
    assert holder_client.get(reverse("notices:calendar", args=[old])).status_code == 404
    assert holder_client.get(reverse("notices:calendar", args=[new])).status_code == 200


def test_turning_it_off_revokes_the_link(holder_client, holder):
    holder_client.post(reverse("notices:calendar-link"))
    token = link_of(holder)
    response = holder_client.post(reverse("notices:calendar-off"), follow=True)
    assert "Your calendar feed is off" in response.text
    assert "Create link" in response.text
    assert link_of(holder) == ""
    assert holder_client.get(reverse("notices:calendar", args=[token])).status_code == 404


def test_another_person_cannot_change_your_link(client, holder):
    token = calendar.calendar_token_renew(user=holder)
    intruder = ProfessionalFactory()
    client.force_login(intruder)
    client.post(reverse("notices:calendar-off"))
    client.post(reverse("notices:calendar-link"))
    assert link_of(holder) == token
    assert link_of(intruder) not in ("", token)
    assert client.get(reverse("notices:calendar", args=[token])).status_code == 200


def test_a_deactivated_account_has_no_feed(client, holder):
    token = calendar.calendar_token_renew(user=holder)
    holder.is_active = False
    holder.save()
    assert client.get(reverse("notices:calendar", args=[token])).status_code == 404


def test_the_buttons_are_posts_only(holder_client):
    assert holder_client.get(reverse("notices:calendar-link")).status_code == 405
    assert holder_client.get(reverse("notices:calendar-off")).status_code == 405


def test_the_profile_shows_the_link_and_the_buttons(holder_client, holder):
    page = holder_client.get(reverse("accounts:profile")).text
    assert "Calendar feed" in page and "Create link" in page and "New link" not in page
    holder_client.post(reverse("notices:calendar-link"))
    page = holder_client.get(reverse("accounts:profile")).text
    url = "http://testserver" + reverse("notices:calendar", args=[link_of(holder)])
    assert url in page
    assert "New link" in page and "Turn off" in page and "Create link" not in page
