"""The seeded rules in the database, read back through the rulebook, and the migrations that
moved the old rule fields into rule sets."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.tracker.factories import CertifierFactory, CreditEntryFactory, seeded_certifier
from tracker import rulebook, rules, seeding
from tracker import seed as seeds
from tracker.models import ActivityRule, Certifier, Program, RuleSet

pytestmark = pytest.mark.django_db

CODES = [data["code"] for data in seeds.CERTIFIERS]


def without_ids(certifier: rules.Certifier) -> rules.Certifier:
    return dataclasses.replace(
        certifier,
        id=0,
        rule_sets=tuple(dataclasses.replace(r, id=None) for r in certifier.rule_sets),
    )


@pytest.mark.parametrize("code", CODES)
def test_every_seeded_certifier_is_in_the_database_with_the_seeds_values(code):
    data = seeds.BY_CODE[code]
    row = Certifier.objects.get(code=code)

    assert {f: getattr(row, f) for f in seeding.certifier_fields(data)} == (
        seeding.certifier_fields(data)
    )
    assert sorted(row.programs.values_list("name", "abbreviation")) == sorted(data["programs"])
    stored = list(row.rule_sets.order_by("effective_from"))
    assert [r.effective_from for r in stored] == [r["effective_from"] for r in data["rule_sets"]]
    for rule_set, seeded in zip(stored, data["rule_sets"], strict=True):
        assert (rule_set.source, rule_set.unverified) == (seeded["source"], seeded["unverified"])
        assert sorted(rule_set.categories.values_list("code", "source", "unverified")) == sorted(
            (c["code"], c["source"], c["unverified"]) for c in seeded["categories"]
        )
        assert sorted(rule_set.activities.values_list("kind", "source", "unverified")) == sorted(
            (a["kind"], a["source"], a["unverified"]) for a in seeded["activities"]
        )


@pytest.mark.parametrize("code", CODES)
def test_the_rulebook_reads_back_exactly_what_the_seed_describes(code):
    row = Certifier.objects.get(code=code)
    read = without_ids(rulebook.certifier_data(row))
    seeded = without_ids(seeds.certifier_data(seeds.BY_CODE[code], row.pk))

    for field in dataclasses.fields(rules.Certifier):
        if field.name != "rule_sets":
            assert getattr(read, field.name) == getattr(seeded, field.name), field.name
    assert len(read.rule_sets) == len(seeded.rule_sets)
    for got, want in zip(read.rule_sets, seeded.rule_sets, strict=True):
        for field in dataclasses.fields(rules.RuleSet):
            assert getattr(got, field.name) == getattr(want, field.name), field.name
    assert read == seeded


@pytest.mark.parametrize("code", CODES)
def test_the_seeded_rules_have_no_problems(code):
    assert rules.problems(rulebook.certifier_data(Certifier.objects.get(code=code))) == []


def test_the_rulebook_gives_codes_in_capitals_units_and_decimal_band_caps():
    nsca = rulebook.certifier_data(Certifier.objects.get(code="nsca"))

    assert nsca.code == "NSCA"
    assert nsca.unit == rules.Unit("CEU", "CEUs", Decimal("10"))
    assert nsca.cycle_kind == rules.CycleKind.FIXED
    before = nsca.rule_sets[0].bands[0]
    assert before.from_month is None
    assert before.category_caps == {
        "A": Decimal("5.5"),
        "B": Decimal("4.0"),
        "C": Decimal("5.5"),
        "D": Decimal("4.0"),
    }
    assert all(isinstance(v, Decimal) for v in before.category_caps.values())


def test_rule_sets_come_sorted_by_effective_date():
    ace = Certifier.objects.get(code="ace")
    original = ace.rule_sets.get()
    later = RuleSet.objects.create(
        certifier=ace, effective_from=datetime.date(2030, 1, 1), credits_required=Decimal("3.0")
    )
    RuleSet.objects.create(
        certifier=ace, effective_from=datetime.date(2020, 1, 1), credits_required=Decimal("2.5")
    )

    data = rulebook.certifier_data(Certifier.objects.get(pk=ace.pk))

    assert [r.effective_from for r in data.rule_sets] == [
        original.effective_from,
        datetime.date(2020, 1, 1),
        later.effective_from,
    ]


def test_ensure_seeded_leaves_an_admins_edit_alone_and_puts_back_a_missing_certifier():
    ace = Certifier.objects.get(code="ace")
    ace.unit_plural = "credits"
    ace.save()
    rule_set = ace.rule_sets.get()
    rule_set.credits_required = Decimal("3.0")
    rule_set.save()
    presenting = rule_set.categories.get(code="presenting")
    presenting.cycle_cap = Decimal("0.7")
    presenting.save()
    issa = Certifier.objects.get(code="issa")
    Program.objects.filter(certifier=issa).delete()
    # ActivityRule.category is PROTECT: a certifier's activities go before its categories.
    ActivityRule.objects.filter(rule_set__certifier=issa).delete()
    issa.delete()

    written = seeding.ensure_seeded()

    assert [c.code for c in written] == ["issa"]
    ace.refresh_from_db()
    assert ace.unit_plural == "credits"
    assert ace.rule_sets.get().credits_required == Decimal("3.0")
    assert ace.rule_sets.get().categories.get(code="presenting").cycle_cap == Decimal("0.7")
    issa = Certifier.objects.get(code="issa")
    assert without_ids(rulebook.certifier_data(issa)) == without_ids(
        seeds.certifier_data(seeds.ISSA, issa.pk)
    )
    assert seeding.ensure_seeded() == []


def test_load_certifier_twice_changes_nothing_and_restores_the_seeds_rule_set():
    nsca = Certifier.objects.get(code="nsca")
    rule_set = nsca.rule_sets.get()
    rule_set.bands.filter(from_month=0).delete()
    rule_set.activities.filter(kind="quiz").delete()
    before = without_ids(seeds.certifier_data(seeds.NSCA, nsca.pk))

    seeding.load_certifier(seeds.NSCA, models=seeding.current())
    seeding.load_certifier(seeds.NSCA, models=seeding.current())

    assert Certifier.objects.filter(code="nsca").count() == 1
    assert without_ids(rulebook.certifier_data(Certifier.objects.get(code="nsca"))) == before


def test_certifiers_data_takes_the_same_queries_for_one_certifier_as_for_seven(
    django_assert_num_queries,
):
    ace = Certifier.objects.get(code="ace")
    with django_assert_num_queries(5):
        one = rulebook.certifiers_data([ace.pk])
    with django_assert_num_queries(5):
        every = rulebook.certifiers_data()

    assert list(one) == [ace.pk]
    assert len(every) == len(seeds.CERTIFIERS) == 7
    assert every[ace.pk] == one[ace.pk]


def test_the_prefetch_lookups_serve_other_querysets(django_assert_num_queries):
    # Programs of every certifier, each certifier's rules read without another query.
    with django_assert_num_queries(5):
        programs = list(
            Program.objects.select_related("certifier").prefetch_related(
                *rulebook.prefetch("certifier__")
            )
        )
        data = [rulebook.certifier_data(p.certifier) for p in programs]

    assert {d.code for d in data} == {code.upper() for code in CODES}


def test_factories_take_their_rules_from_the_seed():
    other = CertifierFactory()
    assert other.code != "ace"
    assert without_ids(rulebook.certifier_data(other)).rule_sets == (
        without_ids(seeds.certifier_data(seeds.ACE, 1)).rule_sets
    )
    assert CertifierFactory(code="ace") == seeded_certifier("ace")

    entry = CreditEntryFactory(kind="presenting", course=None, credit=Decimal("0.3"))

    claim = entry.claims.get()
    assert (claim.certifier.code, claim.category, claim.credit) == (
        "ace",
        "presenting",
        Decimal("0.3"),
    )


# --- The migrations from the old rule fields ---------------------------------------------------


def migrate_to(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_0007_converts_old_rules_and_posts_a_claim_for_every_entry():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate_to([("tracker", "0005_ace_cpr_aed_cap")])
    try:
        made = _old_records(old)
        new = migrate_to(latest)
    finally:
        migrate_to(latest)
    _assert_converted(new, made)


def _old_records(apps):
    Certifier = apps.get_model("tracker", "Certifier")
    KindRule = apps.get_model("tracker", "KindRule")
    CreditEntry = apps.get_model("tracker", "CreditEntry")
    User = apps.get_model("accounts", "User")
    # The tables were emptied by earlier transactional tests: only what 0003 would have seeded
    # matters here, and this test writes its own certifier.
    xorg = Certifier.objects.create(
        name="X Board",
        code="xorg",
        credit_unit="point",
        contact_hours_per_unit=Decimal("1"),
        cycle_months=36,
        cycle_anchor="fixed",
        fixed_cycle_start=datetime.date(2024, 1, 1),
        prorate_first_cycle=True,
        credits_required=Decimal("6.0"),
        cpr_required=False,
        grace_months=0,
    )
    KindRule.objects.create(certifier=xorg, kind="approved_course")
    KindRule.objects.create(
        certifier=xorg, kind="presenting", value=Decimal("0.5"), cycle_cap=Decimal("1.5")
    )
    KindRule.objects.create(certifier=xorg, kind="publishing", allowed=False)
    KindRule.objects.create(certifier=xorg, kind="extra_certification", meets_requirement=True)
    user = User.objects.create(email="old-ledger@example.com")
    day = datetime.date(2024, 5, 1)
    toward_x = CreditEntry.objects.create(
        user=user, kind="presenting", completion_date=day, credit=Decimal("0.5"), certifier=xorg
    )
    legacy = CreditEntry.objects.create(
        user=user, kind="cpr_aed", completion_date=day, credit=Decimal("0.4")
    )
    return {"xorg": xorg.pk, "toward_x": toward_x.pk, "legacy": legacy.pk}


def _assert_converted(apps, made):
    Certifier = apps.get_model("tracker", "Certifier")
    RuleSet = apps.get_model("tracker", "RuleSet")
    EntryCredit = apps.get_model("tracker", "EntryCredit")
    xorg = Certifier.objects.get(pk=made["xorg"])
    assert (xorg.unit_singular, xorg.unit_plural, xorg.cycle_kind) == ("point", "points", "fixed")
    rule_set = RuleSet.objects.get(certifier=xorg)
    assert (rule_set.credits_required, rule_set.cpr_window) == (Decimal("6.0"), "none")
    assert rule_set.extra_certification_meets_requirement
    categories = dict(rule_set.categories.values_list("code", "cycle_cap"))
    assert categories == {
        "approved_course": None,
        "presenting": Decimal("1.5"),
        "extra_certification": None,
    }
    activities = dict(rule_set.activities.values_list("kind", "category__code"))
    assert activities == {k: k for k in categories}
    assert list(rule_set.bands.order_by("id").values_list("from_month", "to_month")) == [
        (None, 0),
        (0, 12),
        (12, 24),
        (24, 36),
    ]
    assert list(rule_set.bands.order_by("id").values_list("credits_required", flat=True)) == [
        Decimal("6.0"),
        Decimal("6.0"),
        Decimal("4.0"),
        Decimal("2.0"),
    ]
    claims = {
        c.entry_id: (c.certifier.code, c.category, c.credit)
        for c in EntryCredit.objects.select_related("certifier")
    }
    assert claims[made["toward_x"]] == ("xorg", "presenting", Decimal("0.5"))
    assert claims[made["legacy"]] == ("ace", "cpr_aed", Decimal("0.4"))
    # ACE's converted rule set gave way to the seed's.
    ace = Certifier.objects.get(code="ace")
    assert list(RuleSet.objects.filter(certifier=ace).values_list("effective_from", flat=True)) == [
        seeds.ACE["rule_sets"][0]["effective_from"]
    ]
    assert set(Certifier.objects.values_list("code", flat=True)) >= set(CODES)


def test_the_migration_gives_nsca_home_study_its_category_and_its_posted_claims():
    import importlib

    from django.apps import apps

    from tests.accounts.factories import ProfessionalFactory
    from tests.catalog.factories import CourseFactory
    from tracker import services
    from tracker.models import ActivityRule, EntryCredit, Kind, Program

    migration = importlib.import_module("tracker.migrations.0016_activity_home_study_category")
    rule = ActivityRule.objects.get(rule_set__certifier__code="nsca", kind="approved_course")
    assert rule.home_study_category.code == "D"
    # A database from before: no home-study category, and a claim posted in A.
    ActivityRule.objects.filter(pk=rule.pk).update(home_study_category=None)
    person = ProfessionalFactory()
    cscs = Program.objects.get(certifier__code="nsca", abbreviation="CSCS")
    today = datetime.date.today()
    services.certification_add(user=person, program=cscs, earned_on=today.replace(month=1, day=2))
    course = CourseFactory(contact_hours=Decimal("5"), delivery_format="home_study")
    entry = services.credit_add(
        user=person, kind=Kind.APPROVED_COURSE, course=course, completion_date=today
    )
    claim = EntryCredit.objects.get(entry=entry, certifier=cscs.certifier)
    assert claim.category == "A"
    migration.home_study_is_d(apps, None)
    rule.refresh_from_db()
    claim.refresh_from_db()
    assert rule.home_study_category.code == "D" and claim.category == "D"
