"""Absurd but parseable values are refused, each with a message that says the bound; another
script's digits are refused in dates and numbers; control characters never reach the database."""

import datetime
import uuid

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from tracker.models import Certification, CprCard, CreditEntry

pytestmark = pytest.mark.django_db


def us(day):
    return day.strftime("%m/%d/%Y")


@pytest.mark.parametrize(
    ("issued", "expires", "message"),
    [
        (
            "01/01/0001",
            "01/01/0003",
            "01/01/0001 is too early: the earliest date accepted here is 01/01/1970",
        ),
        ("01/01/1900", "01/01/1902", "the earliest date accepted here is 01/01/1970"),
        (None, "12/31/9999", "12/31/9999 is too far ahead"),
        ("-2y", "+2y", "A CPR/AED card is valid at most 3 years"),
    ],
)
def test_absurd_cpr_cards_are_refused_with_the_bound(
    holder_client, today, issued, expires, message
):
    if issued == "-2y":
        issued, expires = us(today - relativedelta(years=2)), us(today + relativedelta(years=2))
    issued = issued or us(today - datetime.timedelta(days=3))
    before = CprCard.objects.count()
    response = holder_client.post(
        reverse("tracker:cpr-card-add"), {"issued_on": issued, "expires_on": expires}
    )
    assert message in response.text
    assert CprCard.objects.count() == before


def test_a_certification_earned_in_year_one_is_refused(pro_client, hc):
    response = pro_client.post(
        reverse("tracker:certification-add"), {"program": hc.pk, "earned_on": "01/01/0001"}
    )
    assert "01/01/0001 is too early: the earliest date accepted here is 01/01/1970" in response.text
    assert not Certification.objects.exists()


@pytest.mark.parametrize("date", ["٠٣/١٥/٢٠٢٥", "०३/१५/२०२५", "０３/１５/２０２５"])
def test_other_scripts_digits_in_a_date_are_refused_with_a_message(pro_client, hc, date):
    response = pro_client.post(
        reverse("tracker:certification-add"), {"program": hc.pk, "earned_on": date}
    )
    assert "Type the digits 0–9 here" in response.text
    assert not Certification.objects.exists()


def test_a_ledger_note_of_a_million_characters_is_refused(holder_client, today):
    response = holder_client.post(
        reverse("tracker:activity-add", args=["presenting"]),
        {
            "title": "Talk",
            "credit": "0.1",
            "completion_date": us(today),
            "note": "x" * 1_000_000,
            "token": uuid.uuid4(),
        },
    )
    assert "at most 2000 characters" in response.text
    assert not CreditEntry.objects.filter(title="Talk").exists()


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("Talk\x00", "a NUL byte"),
        ("Talk\x1bthere", "invisible control character"),
        ("Talk\nthere", "Keep this on one line"),
    ],
)
def test_control_characters_are_refused_with_a_message(holder_client, today, title, message):
    response = holder_client.post(
        reverse("tracker:activity-add", args=["presenting"]),
        {"title": title, "credit": "0.1", "completion_date": us(today), "token": uuid.uuid4()},
    )
    assert message in response.text
    assert not CreditEntry.objects.filter(kind="presenting").exists()
