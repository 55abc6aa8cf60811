"""Catalog search through the full-text index finds exactly the courses the plain scan found."""

import pytest
from django.db.models import Q

from catalog.models import Course, Provider

from .factories import CourseFactory, ProviderFactory

TITLES = [
    "Strength Training Fundamentals",
    "strength for older adults",
    "STRENGTHENING the core",
    "Mobility and Flexibility",
    "Yoga 101",
    "Pilates Essentials",
    "Prenatal Pilates",
    "Énergie et mouvement",
    "Resistance training: énergie systems",
    "Café talks: nutrition",
    "Nutrición deportiva",
    "Aquatic exercise, 100% fun",
    "Under_score drills",
    'Quoted "power" lifting',
    "Kettlebell swing clinic",
    "Balance & fall prevention",
]
PROVIDERS = ["Acme Fitness", "Énergie Institute", "Harbor Wellness", "Yogaworks"]
QUERIES = [
    "strength", "STRENGTH", "Strength training", "streng", "ength", "str", "tr", "t",
    "pilates prenatal", "pilates acme", "énergie", "ÉNERGIE", "energie", "café", "cafe",
    "nutrición", "100%", "under_score", "_", "%", '"power"', "power lifting", "yoga",
    "yogaworks", "harbor", "harbor balance", "fall prevention", "zyxwvut", "acme zyxwvut",
    "a", "ce", "kettlebell swing clinic", "wellness yoga", "ing",
]  # fmt: skip


def scan(text):
    """The search as it was before the index: every word in the title or the provider's name."""
    query = Course.objects.all()
    for word in text.split()[:10]:
        providers = Provider.objects.filter(name__icontains=word).values("pk")
        query = query.filter(Q(title__icontains=word) | Q(provider_id__in=providers))
    return set(query.values_list("pk", flat=True))


@pytest.fixture
def catalog(db):
    providers = [ProviderFactory(name=name) for name in PROVIDERS]
    for i, title in enumerate(TITLES):
        CourseFactory(title=title, provider=providers[i % len(providers)])


@pytest.mark.parametrize("text", QUERIES)
def test_search_finds_what_the_scan_found(catalog, text):
    found = set(Course.objects.search(text).values_list("pk", flat=True))
    assert found == scan(text)


def test_the_index_follows_new_renamed_and_deleted_courses(catalog):
    course = CourseFactory(title="Barre Conditioning")
    assert set(Course.objects.search("barre").values_list("pk", flat=True)) == {course.pk}
    course.title = "Rowing Technique"
    course.save()
    assert not Course.objects.search("barre").exists()
    assert set(Course.objects.search("rowing").values_list("pk", flat=True)) == {course.pk}
    course.delete()
    assert not Course.objects.search("rowing").exists()


def test_a_word_search_finds_courses_from_the_matching_provider(catalog):
    names = set(Course.objects.search("acme").values_list("provider__name", flat=True))
    assert names == {"Acme Fitness"}
