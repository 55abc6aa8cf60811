"""Contact hours: given by the provider or the import, else the CEC value in the home
certifier's hours (ACE: 0.1 CEC = 1 hour)."""

import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from catalog import services
from catalog.importer import CourseImport, open_text
from catalog.models import Course, Session
from tests.catalog.factories import ConferenceFactory, CourseFactory, ProviderFactory, certifier
from tests.catalog.test_views import conference, registration

pytestmark = pytest.mark.django_db


def register(staff, **kwargs):
    values = {"title": "Strength", "delivery_format": "online", "cec_value": Decimal("0.3")}
    return services.course_register(
        provider=staff.provider, submitted_by=staff, **(values | kwargs)
    )


class TestRegistration:
    def test_derived_from_the_cec_value(self, provider_staff):
        assert certifier("ace").contact_hours_per_unit == Decimal("10")
        course = register(provider_staff)
        course.refresh_from_db()
        assert course.contact_hours == Decimal("3.00")

    def test_given_hours_are_kept(self, provider_staff):
        course = register(provider_staff, contact_hours=Decimal("4.5"))
        course.refresh_from_db()
        assert course.contact_hours == Decimal("4.5")

    def test_follows_the_home_certifiers_hours_per_unit(self, provider_staff):
        ace = certifier("ace")
        ace.contact_hours_per_unit = Decimal("12")
        ace.save()
        assert register(provider_staff).contact_hours == Decimal("3.60")

    def test_conference_sessions(self, provider_staff):
        course = register(
            provider_staff,
            delivery_format="conference",
            cec_value=None,
            sessions=[
                {"code": "S1", "title": "Keynote", "cec_value": Decimal("0.2")},
                {
                    "code": "S2",
                    "title": "Lab",
                    "cec_value": Decimal("0.3"),
                    "contact_hours": Decimal("2.5"),
                },
            ],
        )
        assert course.contact_hours is None
        hours = dict(course.sessions.values_list("code", "contact_hours"))
        assert hours == {"S1": Decimal("2.00"), "S2": Decimal("2.50")}

    def test_update_derives_again(self, provider_staff):
        course = register(provider_staff, contact_hours=Decimal("9"))
        services.course_update_pending(
            course=course,
            by=provider_staff,
            title="Strength",
            delivery_format="online",
            cec_value=Decimal("0.5"),
        )
        course.refresh_from_db()
        assert course.contact_hours == Decimal("5.00")

    def test_the_form_field_is_optional(self, client, provider_staff):
        client.force_login(provider_staff)
        url = reverse("catalog:provider-course-create")
        assert "Contact hours (optional)" in client.get(url).content.decode()
        client.post(url, registration())
        client.post(url, registration(title="Longer", contact_hours="4"))
        hours = dict(Course.objects.values_list("title", "contact_hours"))
        assert hours == {"Strength Basics": Decimal("3.00"), "Longer": Decimal("4.00")}

    def test_the_form_refuses_bad_hours(self, client, provider_staff):
        client.force_login(provider_staff)
        response = client.post(
            reverse("catalog:provider-course-create"), registration(contact_hours="0")
        )
        assert "Enter contact hours greater than 0." in response.content.decode()
        assert not Course.objects.exists()

    def test_the_form_takes_session_hours(self, client, provider_staff):
        client.force_login(provider_staff)
        client.post(
            reverse("catalog:provider-course-create"),
            conference(**{"sessions-1-contact_hours": "5"}),
        )
        hours = dict(Session.objects.values_list("code", "contact_hours"))
        assert hours == {"S1": Decimal("2.00"), "S2": Decimal("5.00"), "S3": Decimal("4.00")}

    def test_the_pages_show_the_hours(self, client, provider_staff, reviewer):
        course = register(provider_staff)
        client.force_login(provider_staff)
        body = client.get(
            reverse("catalog:provider-course-detail", args=[course.pk])
        ).content.decode()
        assert "Contact hours" in body and "3.00" in body
        client.force_login(reviewer)
        body = client.get(reverse("catalog:review-detail", args=[course.pk])).content.decode()
        assert "Contact hours" in body and "3.00" in body


HEADER = "number,title,provider,delivery_format,cec_value,approved_on,expires_on"


def run(text):
    importer = CourseImport(open_text(io.BytesIO(text.encode())))
    refused = importer.run()
    return importer, refused


class TestImport:
    def test_without_the_column_hours_are_derived(self):
        ProviderFactory(name="Acme")
        _, refused = run(f"{HEADER}\nCA23456,Strength,Acme,online,0.3,2024-01-01,2028-12-31\n")
        assert refused == []
        assert Course.objects.get(number="CA23456").contact_hours == Decimal("3.00")

    def test_the_column_is_optional_per_row(self):
        ProviderFactory(name="Acme")
        text = (
            f"{HEADER},contact_hours\n"
            "CA23456,Strength,Acme,online,0.3,2024-01-01,2028-12-31,4.25\n"
            "CA23457,Mobility,Acme,online,0.2,2024-01-01,2028-12-31,\n"
        )
        _, refused = run(text)
        assert refused == []
        hours = dict(Course.objects.values_list("number", "contact_hours"))
        assert hours == {"CA23456": Decimal("4.25"), "CA23457": Decimal("2.00")}

    def test_an_update_derives_from_the_new_value(self):
        CourseFactory(number="CA23456", provider=ProviderFactory(name="Acme"))
        run(f"{HEADER}\nCA23456,Strength,Acme,online,0.5,2024-01-01,2028-12-31\n")
        assert Course.objects.get(number="CA23456").contact_hours == Decimal("5.00")

    def test_sessions(self):
        ProviderFactory(name="Acme")
        text = (
            f"{HEADER},session_code,session_title,session_cec,session_hours\n"
            "CP10001,Summit,Acme,conference,,2024-01-01,2028-12-31,S1,Keynote,0.2,\n"
            "CP10001,,,,,,,S2,Lab,0.3,3.5\n"
        )
        _, refused = run(text)
        assert refused == []
        assert Course.objects.get(number="CP10001").contact_hours is None
        hours = dict(Session.objects.values_list("code", "contact_hours"))
        assert hours == {"S1": Decimal("2.00"), "S2": Decimal("3.50")}

    @pytest.mark.parametrize(
        ("hours", "message"),
        [
            ("0", "contact_hours must be greater than 0"),
            ("1.234", "finer than hundredths"),
            ("abc", "is not a number"),
        ],
    )
    def test_bad_hours_are_refused(self, hours, message):
        ProviderFactory(name="Acme")
        _, refused = run(
            f"{HEADER},contact_hours\nCA23456,Strength,Acme,online,0.3,2024-01-01,2028-12-31,"
            f"{hours}\n"
        )
        assert len(refused) == 1 and message in refused[0].message

    def test_a_conference_has_no_hours_of_its_own(self):
        ProviderFactory(name="Acme")
        _, refused = run(
            f"{HEADER},contact_hours,session_code,session_title,session_cec\n"
            "CP10001,Summit,Acme,conference,,2024-01-01,2028-12-31,6,S1,Keynote,0.2\n"
        )
        assert len(refused) == 1 and "no contact hours of its own" in refused[0].message


def test_the_data_migration_fills_missing_hours():
    course = CourseFactory(cec_value=Decimal("0.7"))
    summit = ConferenceFactory()
    session = Session.objects.create(
        course=summit, code="S1", title="Keynote", cec_value=Decimal("0.2")
    )
    kept = CourseFactory(cec_value=Decimal("0.3"), contact_hours=Decimal("5"))
    migration = importlib.import_module("catalog.migrations.0007_fill_contact_hours")
    migration.fill(apps, None)
    for row in (course, summit, session, kept):
        row.refresh_from_db()
    assert course.contact_hours == Decimal("7.00")
    assert summit.contact_hours is None
    assert session.contact_hours == Decimal("2.00")
    assert kept.contact_hours == Decimal("5.00")
