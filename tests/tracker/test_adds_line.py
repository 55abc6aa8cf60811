"""The message after adding credit says what the rules count, not what the entry is worth:
a cap reached or a repeat shows as nothing added, with the reason."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from tests.tracker.factories import CprCardFactory
from tracker import selectors, services
from tracker.models import Kind

pytestmark = pytest.mark.django_db


def card_credit(user, issued_on, years):
    card = CprCardFactory(
        user=user, issued_on=issued_on, expires_on=issued_on + relativedelta(years=years)
    )
    return services.credit_add(
        user=user, kind=Kind.CPR_AED, cpr_card=card, completion_date=issued_on, actor=user
    )


def test_credit_past_a_cap_is_said_to_add_nothing(holder, today):
    first = card_credit(holder, today - datetime.timedelta(days=30), years=2)
    assert selectors.adds_line(first) == "+0.4 CEC to ACE CPT"
    second = card_credit(holder, today - datetime.timedelta(days=20), years=1)
    line = selectors.adds_line(second)
    assert line.startswith("nothing to ACE CPT (") and "+0.2" not in line


def test_the_card_form_says_what_counted(holder_client, holder, today):
    card_credit(holder, today - datetime.timedelta(days=30), years=2)
    issued = today - datetime.timedelta(days=5)
    response = holder_client.post(
        reverse("tracker:cpr-card-add"),
        {
            "issued_on": issued.strftime("%m/%d/%Y"),
            "expires_on": (issued + relativedelta(years=1)).strftime("%m/%d/%Y"),
            "provider_name": "Red Cross",
            "log_credit": "on",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Logged the renewal: nothing to ACE CPT" in html
    assert "+0.2 CEC to ACE CPT" not in html


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_line_is_read_through_the_cached_evaluation(
    professional, cpt, today
):
    services.certification_add(
        user=professional, program=cpt, earned_on=today - relativedelta(years=1)
    )
    entry = card_credit(professional, today - datetime.timedelta(days=30), years=2)
    assert selectors.adds_line(entry) == "+0.4 CEC to ACE CPT"
    # The evaluation it read is the one cached under the person's current stamp.
    from django.core.cache import cache

    stamp = selectors.records_stamp(professional.pk)
    key = f"evaluation:{selectors.EVALUATION_SHAPE}:{professional.pk}:{stamp}:{today.isoformat()}"
    cached = cache.get(key)
    assert any(c.entry.id == entry.pk for r in cached.results for c in r.counted)


def test_the_live_preview_says_a_repeat_adds_nothing(holder_client, holder, today):
    from tests.catalog.factories import CourseFactory

    course = CourseFactory(number="CA23456", cec_value=Decimal("0.3"))
    services.credit_add(
        user=holder, kind=Kind.APPROVED_COURSE, course=course,
        completion_date=today - datetime.timedelta(days=20),
    )  # fmt: skip
    preview = selectors.course_preview(holder, course, [], today)
    assert preview["adds"] == ""
    assert any("counts once per cycle" in line for line in preview["refused"])
    # The box under the course number says the same.
    html = holder_client.get(
        reverse("tracker:course-lookup"),
        {"course_number": "CA23456", "completion_date": today.strftime("%m/%d/%Y")},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "counts once per cycle" in html and "+0.3 CEC" not in html
