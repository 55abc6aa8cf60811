"""The load benchmark's generator, at 1/100: the shape the benchmark's pages rely on."""

import pytest
from django.db import connection
from django.db.models import Count

from bench import load_data
from catalog.models import Course, Session
from petitions.models import Document, Petition
from tracker.models import Certification, CreditEntry, EntryCredit


@pytest.fixture
def generated(db, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return load_data.generate("hundredth")


def test_the_hundredth_data_set_has_the_shape_of_the_full_one(generated):
    sizes = load_data.sizes("hundredth")
    professionals = CreditEntry.objects.values("user").distinct().count()
    assert professionals == sizes["professionals"]
    assert Course.objects.approved().count() == sizes["courses"]
    assert Course.objects.pending().count() == sizes["pending_courses"]
    assert (
        Session.objects.count() == 4 * Course.objects.filter(delivery_format="conference").count()
    )
    per_member = Certification.objects.values("user").annotate(n=Count("pk"))
    assert {row["n"] for row in per_member} == {1, 2, 3}
    assert Certification.objects.values("program__certifier").distinct().count() >= 2
    heavy = CreditEntry.objects.filter(user__email="member0@load.example.com").count()
    assert heavy == 1_000
    # Every entry has a claim for each certifier its owner holds.
    assert EntryCredit.objects.count() == sum(
        CreditEntry.objects.filter(user=row["user"]).count() * row["n"] for row in per_member
    )
    assert set(Petition.objects.values_list("status", flat=True)) == set(Petition.Status.values)
    assert Document.objects.count() == Petition.objects.count() == sizes["petitions"]
    assert generated["entries"] == CreditEntry.objects.count()


def test_the_marker_says_which_data_set_the_database_holds(generated):
    found = load_data.marker(connection)
    assert found["version"] == load_data.VERSION and found["scale"] == "hundredth"
