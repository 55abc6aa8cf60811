"""My CECs is cached per person (the evaluation and the page's parts) and is never stale: every
write to a person's ledger, certifications, cycles or cards, to a course their ledger names, or
to the rules, is on the next page. The ledger shows a window, and all of it on asking."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import ProfessionalFactory, ReviewerFactory
from tests.catalog.factories import CourseFactory
from tests.tracker.conftest import us
from tracker import freshness, selectors, services
from tracker.models import CprCard, CreditEntry, Cycle, Kind, RuleSet

pytestmark = pytest.mark.django_db


def page(client) -> str:
    return client.get(reverse("tracker:dashboard")).content.decode()


def total_shown(html: str) -> str:
    return html.split('<strong class="progress-total">', 1)[1].split("<", 1)[0]


def stamp(user) -> str:
    return selectors.records_stamp(user.pk)


def add(user, day, *, number=None, value="0.5"):
    course = CourseFactory(number=number, cec_value=Decimal(value)) if number else None
    course = course or CourseFactory(cec_value=Decimal(value))
    return services.credit_add(
        user=user, kind=Kind.APPROVED_COURSE, course=course, completion_date=day
    )


def test_each_write_to_a_record_changes_its_stamp(holder, today):
    seen = {stamp(holder)}

    def changed():
        now = stamp(holder)
        assert now not in seen
        seen.add(now)

    entry = add(holder, today)
    changed()
    entry.claims.first().save()
    changed()
    services.credit_delete(entry=entry, actor=holder)
    changed()
    certification = holder.certifications.get()
    certification.number = "A-1"
    certification.save()
    changed()
    Cycle.objects.filter(certification=certification).first().save()
    changed()
    CprCard.objects.create(
        user=holder, issued_on=today, expires_on=today + datetime.timedelta(days=700)
    )
    changed()


def test_another_persons_writes_leave_a_stamp_alone(holder, today, professional):
    from tests.accounts.factories import ProfessionalFactory

    other = ProfessionalFactory()
    before = stamp(holder)
    CprCard.objects.create(
        user=other, issued_on=today, expires_on=today + datetime.timedelta(days=700)
    )
    assert stamp(holder) == before


def test_the_page_follows_every_write_though_it_is_cached(holder_client, holder, today):
    assert total_shown(page(holder_client)) == "0.0"
    entry = add(holder, today)
    assert total_shown(page(holder_client)) == "0.5"
    assert total_shown(page(holder_client)) == "0.5"  # served from the cache
    entry.hidden_at, entry.hidden_reason = entry.created_at, "Not mine"
    entry.save()
    assert total_shown(page(holder_client)) == "0.0"
    CreditEntry.objects.filter(pk=entry.pk).update(hidden_at=None)  # no signal...
    assert total_shown(page(holder_client)) == "0.0"  # ...so the cached page stays
    freshness.touch([holder.pk])  # what a bulk write must do
    assert total_shown(page(holder_client)) == "0.5"


def test_a_rule_change_reaches_every_cached_page(holder_client, holder, today):
    add(holder, today)
    assert "of 2.0 CECs" in page(holder_client)
    rule_set = RuleSet.objects.filter(certifier__code="ace").order_by("-effective_from").first()
    rule_set.credits_required = Decimal("2.5")
    rule_set.save()
    assert "of 2.5 CECs" in page(holder_client)


def test_a_renamed_course_is_renamed_in_the_cached_ledger(holder_client, holder, today):
    entry = add(holder, today, number="CA55501")
    assert "CA55501" in page(holder_client)
    course = entry.course
    course.title = "Kettlebell Foundations, renamed"
    course.save()
    assert "Kettlebell Foundations, renamed" in page(holder_client)


def test_the_ledger_shows_a_window_and_all_of_it_on_asking(holder_client, holder, today):
    first_day = today - datetime.timedelta(days=60)
    entries = [add(holder, first_day + datetime.timedelta(days=i)) for i in range(33)]
    html = page(holder_client)
    assert html.count('class="ledger-row"') == selectors.LEDGER_WINDOW
    assert "Show all 33" in html
    for entry in entries[-selectors.LEDGER_WINDOW :]:
        assert f'id="entry-{entry.pk}"' in html
    whole = holder_client.get(reverse("tracker:dashboard") + "?ledger=all").content.decode()
    assert whole.count('class="ledger-row"') == 33
    assert "Show all" not in whole
    # The entry added last is in the window, however old its date.
    old = add(holder, today - datetime.timedelta(days=300))
    assert f'id="entry-{old.pk}"' in page(holder_client)


def test_an_entry_added_through_the_page_is_in_the_window(holder_client, holder, today):
    first_day = today - datetime.timedelta(days=40)
    for i in range(32):
        add(holder, first_day + datetime.timedelta(days=i))
    course = CourseFactory(number="CA55777", cec_value=Decimal("0.2"))
    page(holder_client)
    response = holder_client.post(
        reverse("tracker:credit-add"),
        {
            "course_number": course.number,
            "completion_date": us(today - datetime.timedelta(days=200)),
            "token": "6b1f7b4e-2b7d-4d8e-9a43-8f0f0e5b9d11",
        },
        HTTP_HX_REQUEST="true",
    )
    entry = CreditEntry.objects.get(user=holder, course=course)
    html = response.content.decode()
    assert f'id="entry-{entry.pk}"' in html and "data-focus-new" in html


def test_a_petition_reviewer_sees_the_current_totals(holder, today):
    add(holder, today)
    found = selectors.evaluation(holder)
    (current,) = [r for r in found.results if r.is_current]
    assert current.total == Decimal("0.5")
    add(holder, today)
    (current,) = [r for r in selectors.evaluation(holder).results if r.is_current]
    assert current.total == Decimal("1.0")


def test_a_renamed_provider_is_renamed_on_the_credit_it_reported(holder_client, holder, today):
    course = CourseFactory(number="CA55502", cec_value=Decimal("0.5"))
    services.credit_add(
        user=holder,
        kind=Kind.APPROVED_COURSE,
        course=course,
        completion_date=today,
        source=CreditEntry.Source.PROVIDER,
    )
    provider = course.provider
    assert f"Reported by {provider.name}" in page(holder_client)
    provider.name = "Harbor Movement Institute, renamed"
    provider.save()
    assert "Reported by Harbor Movement Institute, renamed" in page(holder_client)


def test_a_course_saved_without_a_new_name_leaves_its_holders_cached(holder, today):
    entry = add(holder, today, number="CA55503")
    before = stamp(holder)
    entry.course.save(update_fields=["status"])
    assert stamp(holder) == before
    entry.course.title = "Renamed"
    entry.course.save(update_fields=["title"])
    assert stamp(holder) != before


def test_the_cached_transcript_follows_its_cycles_entries(holder_client, holder, today):
    entry = add(holder, today, number="CA55502")
    cycle = Cycle.objects.get(certification__user=holder)
    url = reverse("tracker:transcript", args=[cycle.pk])
    assert "CA55502" in holder_client.get(url).content.decode()
    course = entry.course
    course.title = "Rowing Technique, renamed"
    course.save()
    assert "Rowing Technique, renamed" in holder_client.get(url).content.decode()
    total = re.compile(r'id="transcript-total"><strong>([\d.]+)</strong>')
    before = total.search(holder_client.get(url).content.decode()).group(1)
    services.credit_delete(entry=entry, actor=holder)
    html = holder_client.get(url).content.decode()
    assert "CA55502" not in html
    assert "No credits in this cycle." in html
    # The totals above the table follow too.
    assert Decimal(total.search(html).group(1)) == Decimal(before) - entry.credit


def test_the_empty_add_form_is_cached_but_its_token_is_new_each_time(holder_client):
    first, second = page(holder_client), page(holder_client)
    token = 'name="token" value="'
    assert first.split(token)[1][:36] != second.split(token)[1][:36]
    assert 'id="id_course_number"' in second
    assert 'name="csrfmiddlewaretoken"' in second.split('id="add-cecs-form"')[1]


def test_the_cached_transcript_follows_the_owners_name(holder_client, holder):
    cycle = Cycle.objects.get(certification__user=holder)
    url = reverse("tracker:transcript", args=[cycle.pk])
    holder_client.get(url)
    type(holder).objects.filter(pk=holder.pk).update(first_name="Renamed", last_name="Holder")
    assert "Renamed Holder" in holder_client.get(url).content.decode()


def test_the_page_cached_whole_takes_new_tokens_that_a_post_accepts(holder, today):
    client = Client(enforce_csrf_checks=True)
    client.force_login(holder)
    first, second = page(client), page(client)  # the second is the cached page, filled in
    assert re.search(r"hole[0-9a-f]{20}", second) is None
    form = second.split('id="add-cecs-form"')[1].split("</form>")[0]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    token = re.search(r'name="token" value="([^"]+)"', form).group(1)
    assert token != re.search(r'name="token" value="([^"]+)"', first).group(1)
    course = CourseFactory(number="CA55509", cec_value=Decimal("0.4"))
    response = client.post(
        reverse("tracker:credit-add"),
        {"csrfmiddlewaretoken": csrf, "token": token, "course_number": course.number,
         "completion_date": us(today)},
    )  # fmt: skip
    assert response.status_code == 302
    assert CreditEntry.objects.filter(user=holder, course=course).exists()
    # The page after it is new, with the entry.
    assert "CA55509" in page(client)


def test_the_cached_csv_follows_the_ledger(holder_client, holder, today):
    def csv_text():
        response = holder_client.get(reverse("tracker:export-csv"))
        return b"".join(response.streaming_content).decode()

    entry = add(holder, today, number="CA55503")
    assert "CA55503" in csv_text() and "CA55503" in csv_text()  # the second from the cache
    course = entry.course
    course.title = "Sled Pushing, renamed"
    course.save()
    assert "Sled Pushing, renamed" in csv_text()
    services.credit_delete(entry=entry, actor=holder)
    assert "CA55503" not in csv_text()


def test_a_cached_transcript_is_shown_to_nobody_its_owner_could_not(holder_client, holder, today):
    add(holder, today, number="CA55510")
    cycle = Cycle.objects.get(certification__user=holder)
    url = reverse("tracker:transcript", args=[cycle.pk])
    assert "CA55510" in holder_client.get(url).content.decode()
    assert "CA55510" in holder_client.get(url).content.decode()  # from the cache
    other = Client()
    other.force_login(ProfessionalFactory())
    assert other.get(url).status_code == 404
    reviewer = Client()
    reviewer.force_login(ReviewerFactory())
    html = reviewer.get(url).content.decode()
    assert "CA55510" in html and holder.email in html
    # A number beyond any id is no cycle, on either database.
    assert holder_client.get(f"/my/cecs/cycles/{2**63}/transcript/").status_code == 404
