"""The private calendar feed: a person's renewal dates as iCalendar (RFC 5545).

Each person may have one secret address, `/notices/calendar/<token>.ics`, which a calendar app
subscribes to without logging in. It lists, as all-day events, each current certification's
renewal deadline, the end of its grace period and the 90-, 30- and 7-day reminder marks, and
each CPR/AED card's expiry. A new link replaces the old one; turning it off revokes it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from icalendar import Calendar, Event

from tracker import rules, selectors

from .models import Preferences
from .reminders import DEADLINE_MARKS
from .services import absolute

PRODID = "-//CEC Portal//Renewal calendar//EN"
ONE_DAY = datetime.timedelta(days=1)


# --- The link -------------------------------------------------------------------------------


def calendar_token_renew(*, user) -> str:
    """Give the user a new secret feed address; the old one, if any, stops working."""
    with transaction.atomic():
        preferences, _ = Preferences.objects.select_for_update().get_or_create(user=user)
        preferences.calendar_token = Preferences.new_token()
        preferences.save(update_fields=["calendar_token"])
    return preferences.calendar_token


def calendar_token_revoke(*, user) -> None:
    """Turn the feed off: its address no longer answers."""
    Preferences.objects.filter(user=user).update(calendar_token="")


def feed_url(token: str) -> str:
    return absolute(reverse("notices:calendar", args=[token])) if token else ""


def owner_of(token: str):
    """The active user whose feed this token opens, or None."""
    if not token:
        return None
    found = (
        Preferences.objects.select_related("user")
        .filter(calendar_token=token, user__is_active=True)
        .first()
    )
    return found.user if found is not None else None


# --- The feed -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    """One all-day event. `key` makes its UID, the same on every request."""

    key: str
    day: datetime.date
    summary: str
    description: str = ""


def _cycle_items(result: rules.CycleResult, link: str) -> list[Item]:
    name = result.certification.name
    deadline = result.deadline
    prefix = f"cycle-{result.cycle.id}"
    if result.met:
        state = "The requirement is met: renew by the deadline."
    else:
        state = f"Still needed: {rules.amount(result.remaining, result.unit)}."
    items = [
        Item(
            f"{prefix}-{mark}",
            deadline - datetime.timedelta(days=days),
            f"{name}: {days} days to the renewal deadline",
            f"Renewal deadline {rules.us_date(deadline)}. {state} My CECs: {link}",
        )
        for days, mark in DEADLINE_MARKS
    ]
    items.append(
        Item(
            f"{prefix}-deadline",
            deadline,
            f"{name}: renewal deadline",
            f"{state} My CECs: {link}",
        )
    )
    if result.grace_ends_on > deadline:
        items.append(
            Item(
                f"{prefix}-grace-end",
                result.grace_ends_on,
                f"{name}: grace period ends",
                "The last day to renew late. The grace period is a courtesy: the certification "
                f"itself is not extended past its deadline, {rules.us_date(deadline)}. "
                f"My CECs: {link}",
            )
        )
    return items


def items(view: selectors.Snapshot) -> list[Item]:
    """Every date of the feed, from a person's evaluated record."""
    link = absolute(reverse("tracker:dashboard"))
    found = []
    for result in view.results:
        if result.is_current and not result.is_closed:
            found.extend(_cycle_items(result, link))
    for card in view.cards:
        found.append(
            Item(
                f"card-{card.pk}-expires",
                card.expires_on,
                "CPR/AED card expires",
                f"Issued {rules.us_date(card.issued_on)}. A current card is a condition of "
                f"renewing. My CECs: {link}",
            )
        )
    return sorted(found, key=lambda item: (item.day, item.key))


def _uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "cecportal"


def feed(user, *, today: datetime.date, now: datetime.datetime) -> bytes:
    """The user's calendar as iCalendar bytes."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{settings.SITE_NAME}: renewals")
    domain = _uid_domain()
    stamp = now.astimezone(datetime.UTC)
    for item in items(selectors.snapshot(user, today=today, window=0)):
        event = Event()
        event.add("uid", f"{item.key}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + ONE_DAY)
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
