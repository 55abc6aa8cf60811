"""Catalog search through the full-text index finds exactly the courses the plain scan found."""

import pytest
from django.db.models import Q

from catalog.models import Course, Provider, search_words

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
    """The search as it was before the index: every word in the title or the provider's name
    (the words as the search takes them from the text)."""
    query = Course.objects.all()
    for word in search_words(text):
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


def ids(text):
    return set(Course.objects.search(text).values_list("pk", flat=True))


def test_the_index_follows_a_renamed_provider_and_a_moved_course(catalog):
    harbor = Provider.objects.get(name="Harbor Wellness")
    harbor.name = "Lighthouse Health"
    harbor.save()
    assert ids("lighthouse") == scan("lighthouse") != set()
    assert ids("harbor") == set()
    course = Course.objects.filter(provider__name="Acme Fitness").first()
    course.provider = harbor
    course.save()
    assert course.pk in ids("lighthouse")
    assert course.pk not in ids("acme")


def test_courses_written_in_bulk_are_found(catalog):
    provider = Provider.objects.get(name="Yogaworks")
    made = Course.objects.bulk_create(
        Course(title=f"Bulk rowing {i}", provider=provider, cec_value=1) for i in range(3)
    )
    assert ids("rowing yogaworks") == {c.pk for c in made} == scan("rowing yogaworks")
    Course.objects.filter(pk=made[0].pk).update(title="Bulk sculling")
    assert ids("rowing") == {made[1].pk, made[2].pk}
    assert ids("sculling") == {made[0].pk}


@pytest.mark.parametrize("text", ["strength", "pilates", "fitness", "ing", "zyxwvut"])
def test_common_words_walk_the_catalog_and_find_the_same(catalog, text, monkeypatch):
    """Past the index's limit of matches, the search scans in order: same courses."""
    from catalog import fulltext

    monkeypatch.setattr(fulltext, "CANDIDATES", 1)
    assert ids(text) == scan(text)


def test_a_page_of_a_common_word_is_the_first_courses_in_number_order(db, monkeypatch):
    from catalog import fulltext

    provider = ProviderFactory(name="Northwind")
    for i in range(12):
        CourseFactory(title=f"Mobility {i}" if i % 2 else f"Balance {i}", provider=provider)
    expected = list(
        Course.objects.filter(title__icontains="mobility")
        .order_by("number")
        .values_list("pk", flat=True)[:3]
    )
    for limit in (1, 500):  # walked, and sorted from the index's matches
        monkeypatch.setattr(fulltext, "CANDIDATES", limit)
        page = Course.objects.search("mobility").order_by("number").values_list("pk", flat=True)
        assert list(page[:3]) == expected
