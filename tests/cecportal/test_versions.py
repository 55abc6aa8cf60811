"""Shared pages are cached under the version of what they show: every write to it, by any path,
gives a new version, and the next request shows the change."""

import datetime
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import User
from catalog import services as catalog_services
from catalog.models import Course, Provider, Session
from cecportal import versions
from petitions import services as petition_services
from petitions.models import Document, Petition, PetitionEvent
from tests.accounts.factories import ProfessionalFactory, ProviderStaffFactory
from tests.catalog.factories import (
    ConferenceFactory,
    CourseFactory,
    PendingCourseFactory,
    ProviderFactory,
)
from tests.petitions.factories import PetitionFactory
from tests.tracker.factories import CertificationFactory, ProgramFactory, seeded_certifier
from tracker import services as tracker_services

pytestmark = pytest.mark.django_db


def changes(name, write):
    before = versions.current(name)
    write()
    return versions.current(name) != before


class TestTheDatabaseKeepsTheVersions:
    def test_every_table_watched_is_a_table_of_the_project(self):
        tables = {model._meta.db_table for model in apps.get_models()}
        watched = {table for watched in versions.WATCHED.values() for table in watched}
        assert watched <= tables

    def test_every_kind_of_write_to_the_catalog_changes_its_version(self):
        course = CourseFactory()
        assert changes("catalog", lambda: CourseFactory())
        assert changes("catalog", lambda: Course.objects.filter(pk=course.pk).update(title="New"))
        assert changes(
            "catalog",
            lambda: Course.objects.bulk_create(
                [
                    Course(
                        title="Bulk",
                        provider=course.provider,
                        delivery_format="online",
                        cec_value=Decimal("0.5"),
                    )
                ]
            ),
        )
        provider = Provider.objects.filter(pk=course.provider_id)
        assert changes("catalog", lambda: provider.update(name="Renamed"))
        assert changes(
            "catalog",
            lambda: Session.objects.create(
                course=ConferenceFactory(), code="S1", title="s", cec_value=Decimal("0.2")
            ),
        )
        assert changes("catalog", lambda: Course.objects.filter(pk=course.pk).delete())

    def test_petitions_and_the_petitioners_names_change_the_queues_version(self):
        petition = PetitionFactory()
        assert changes("petitions", lambda: PetitionFactory())
        assert changes(
            "petitions",
            lambda: Document.objects.create(
                petition=petition, file="x.pdf", label="x.pdf", content_type="text/x", size=1
            ),
        )
        assert changes(
            "petitions",
            lambda: PetitionEvent.objects.create(
                petition=petition, from_status="submitted", to_status="under_review"
            ),
        )
        assert changes(
            "petitions", lambda: Petition.objects.filter(pk=petition.pk).update(status="withdrawn")
        )
        assert changes(
            "petitions", lambda: User.objects.filter(pk=petition.user_id).update(last_name="Z")
        )
        assert changes("petitions", lambda: petition.user.delete())

    def test_writes_the_pages_do_not_show_leave_the_versions_alone(self):
        for name in ("catalog", "petitions"):
            assert not changes(name, lambda: ProfessionalFactory())  # a sign-up
        user = ProfessionalFactory()
        for name in ("catalog", "petitions"):
            assert not changes(
                name,
                lambda: User.objects.filter(pk=user.pk).update(last_login=timezone.now()),
            )
        assert not changes("petitions", lambda: CourseFactory())
        assert not changes("catalog", lambda: PetitionFactory(user=user))

    def test_a_write_rolled_back_leaves_the_version_it_found(self):
        before = versions.current("catalog")
        with pytest.raises(RuntimeError), transaction.atomic():
            CourseFactory()
            assert versions.current("catalog") != before
            raise RuntimeError
        assert versions.current("catalog") == before

    def test_install_again_gives_new_versions_and_keeps_the_triggers(self):
        before = versions.current("catalog", "petitions")
        versions.install()
        versions.install()
        after = versions.current("catalog", "petitions")
        assert all(a != b for a, b in zip(after.split("."), before.split("."), strict=True))
        assert changes("catalog", lambda: CourseFactory())

    def test_triggers_dropped_by_a_table_rebuild_come_back_with_install(self):
        # SQLite drops a table's triggers when a migration rebuilds it.
        drop = {
            "sqlite": "DROP TRIGGER cecportal_version_catalog_course_insert",
            "postgresql": "DROP TRIGGER cecportal_version_catalog_course ON catalog_course",
        }[connection.vendor]
        with connection.cursor() as cursor:
            cursor.execute(drop)
        provider = ProviderFactory()
        assert not changes("catalog", lambda: CourseFactory(provider=provider))
        versions.install()
        assert changes("catalog", lambda: CourseFactory(provider=provider))


def at(monkeypatch, moment):
    """The clock at `moment` (local time) for everything that reads it."""
    aware = timezone.make_aware(moment)
    monkeypatch.setattr(timezone, "now", lambda: aware)


def numbers(response):
    return re.findall(r'class="font-monospace">(CA\d+)</a>', response.content.decode())


class TestCachedPagesShowEveryChangeAtOnce:
    def test_catalog_list_and_search(self, client):
        course = CourseFactory(title="Kettlebell basics")
        url = reverse("catalog:course-list")
        assertContains(client.get(url), "Kettlebell basics")
        assertContains(client.get(url, {"q": "kettlebell"}), "Kettlebell basics")
        Course.objects.filter(pk=course.pk).update(title="Kettlebell advanced")
        assertContains(client.get(url), "Kettlebell advanced")
        assertNotContains(client.get(url, {"q": "kettlebell"}), "Kettlebell basics")
        Provider.objects.filter(pk=course.provider_id).update(name="Harbor Strength")
        assertContains(client.get(url, {"q": "kettlebell"}), "Harbor Strength")
        newer = CourseFactory(title="Kettlebell flow")
        assert newer.number in numbers(client.get(url, {"q": "kettlebell"}))

    def test_course_detail(self, client):
        course = CourseFactory(title="Core", description="First text")
        url = reverse("catalog:course-detail", args=[course.pk])
        assertContains(client.get(url), "First text")
        Course.objects.filter(pk=course.pk).update(description="Second text")
        assertContains(client.get(url), "Second text")
        Course.objects.filter(pk=course.pk).update(status=Course.Status.RETIRED)
        assertContains(client.get(url), "This course is retired")

    def test_an_expiry_shows_the_day_it_comes(self, client, monkeypatch):
        course = CourseFactory(expires_on=datetime.date(2030, 1, 31))
        url = reverse("catalog:course-detail", args=[course.pk])
        at(monkeypatch, datetime.datetime(2030, 1, 31, 18))
        assertNotContains(client.get(url), "expired on")
        at(monkeypatch, datetime.datetime(2030, 2, 1, 18))
        assertContains(client.get(url), "The approval of this course expired on 01/31/2030")

    def test_registration_queue_and_the_providers_list(self, client, reviewer):
        staff = ProviderStaffFactory()
        pending = PendingCourseFactory(title="Waiting course", provider=staff.provider)
        client.force_login(reviewer)
        queue = reverse("catalog:review-queue")
        assertContains(client.get(queue), "Waiting course")
        catalog_services.course_approve(
            course=pending,
            reviewer=reviewer,
            prefix="CA",
            approved_on=datetime.date(2026, 1, 1),
            expires_on=datetime.date(2028, 12, 31),
        )
        assertNotContains(client.get(queue), "Waiting course")
        client.force_login(staff)
        listed = client.get(reverse("catalog:provider-courses"))
        assertContains(listed, "Waiting course")
        assertContains(listed, "Approved")

    def test_one_providers_list_is_never_shown_to_another(self, client):
        mine, theirs = ProviderStaffFactory(), ProviderStaffFactory()
        PendingCourseFactory(title="Mine only", provider=mine.provider)
        PendingCourseFactory(title="Theirs only", provider=theirs.provider)
        url = reverse("catalog:provider-courses")
        client.force_login(mine)
        assertContains(client.get(url), "Mine only")
        client.force_login(theirs)
        response = client.get(url)
        assertContains(response, "Theirs only")
        assertNotContains(response, "Mine only")

    def test_petition_queue(self, client, reviewer):
        petition = PetitionFactory(course_title="Aqua fitness workshop")
        client.force_login(reviewer)
        url = reverse("petitions:queue")
        assertContains(client.get(url), "Aqua fitness workshop")
        User.objects.filter(pk=petition.user_id).update(first_name="Renamed", last_name="Person")
        assertContains(client.get(url), "Renamed Person")
        petition_services.petition_deny(petition=petition, reviewer=reviewer, reason="Not a course")
        assertNotContains(client.get(url), "Aqua fitness workshop")

    def test_petition_ages_move_with_the_clock(self, client, reviewer, monkeypatch):
        at(monkeypatch, datetime.datetime(2030, 3, 1, 9))
        PetitionFactory(course_title="Aging petition", submitted_at=timezone.now())
        client.force_login(reviewer)
        url = reverse("petitions:queue")
        assertContains(client.get(url), "0 days")
        at(monkeypatch, datetime.datetime(2030, 3, 2, 9, 1))
        assertContains(client.get(url), "1 day")

    def test_petition_review_page(self, client, reviewer):
        petition = PetitionFactory(course_title="Aqua fitness workshop")
        client.force_login(reviewer)
        url = reverse("petitions:review", args=[petition.pk])
        assertContains(client.get(url), "No documents.")
        Document.objects.create(
            petition=petition, file="p.pdf", label="receipt.pdf", content_type="application/pdf",
            size=10,
        )  # fmt: skip
        assertContains(client.get(url), "receipt.pdf")
        petition_services.petition_start_review(petition=petition, reviewer=reviewer)
        User.objects.filter(pk=reviewer.pk).update(first_name="Rita", last_name="Reviewer")
        assertContains(client.get(url), "Rita Reviewer")

    def test_petition_review_page_follows_the_petitioners_ledger(self, client, reviewer):
        ace = ProgramFactory(certifier=seeded_certifier("ace"))
        certification = CertificationFactory(program=ace)
        petition = PetitionFactory(user=certification.user)
        client.force_login(reviewer)
        url = reverse("petitions:review", args=[petition.pk])
        assertContains(client.get(url), "0.0 of 2.0")
        tracker_services.credit_add(
            user=certification.user,
            kind="approved_course",
            course=CourseFactory(cec_value=Decimal("0.7")),
            completion_date=timezone.localdate() - datetime.timedelta(days=10),
        )
        assertContains(client.get(url), "0.7 of 2.0")

    def test_a_review_page_cached_whole_takes_a_decision(self, reviewer):
        petition = PetitionFactory(course_title="Aqua fitness workshop")
        client = Client(enforce_csrf_checks=True)
        client.force_login(reviewer)
        url = reverse("petitions:review", args=[petition.pk])
        client.get(url)
        cached = client.get(url).content.decode()
        assert re.search(r"hole[0-9a-f]{20}", cached) is None
        form = cached.split(f'action="/petitions/queue/{petition.pk}/deny/"')[1]
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        response = client.post(
            reverse("petitions:deny", args=[petition.pk]),
            {"csrfmiddlewaretoken": csrf, "reason": "Not a fitness course."},
        )
        assert response.status_code == 302
        petition.refresh_from_db()
        assert petition.status == Petition.Status.DENIED
        assertContains(client.get(url), "Not a fitness course.")
