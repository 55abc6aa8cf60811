"""Tracker factories. Rules come from the seed (`tracker.seed`), never copied here."""

import datetime
from decimal import Decimal

import factory
from dateutil.relativedelta import relativedelta
from factory.django import DjangoModelFactory

from tests.accounts.factories import ProfessionalFactory
from tracker import rulebook, rules, seeding
from tracker import seed as seeds
from tracker.models import (
    Certification,
    Certifier,
    CprCard,
    CreditEntry,
    Cycle,
    EntryCredit,
    Kind,
    Program,
)


def seeded_certifier(code: str = "ace") -> Certifier:
    """A certifier of the seed, as the migrations (or the post_migrate hook) wrote it; written
    now if a test emptied the tables."""
    found = Certifier.objects.filter(code=code).first()
    if found is not None:
        return found
    return seeding.load_certifier(seeds.BY_CODE[code], models=seeding.current())


def _ace_field(name):
    return seeding.certifier_fields(seeds.ACE)[name]


class CertifierFactory(DjangoModelFactory):
    """A certifier shaped like ACE: ACE's seeded unit, cycle and rule sets under a new code
    (`code="ace"` gets the seeded ACE itself). Keyword arguments override the row's fields;
    `rule_sets=[...]` (seed-format dicts) replaces ACE's rules."""

    class Meta:
        model = Certifier
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Certifier {n}")
    code = factory.Sequence(lambda n: f"cert{n}")
    unit_singular = _ace_field("unit_singular")
    unit_plural = _ace_field("unit_plural")
    contact_hours_per_unit = _ace_field("contact_hours_per_unit")
    cycle_kind = _ace_field("cycle_kind")
    cycle_months = _ace_field("cycle_months")
    cycle_end = _ace_field("cycle_end")
    at_risk_days = _ace_field("at_risk_days")
    course_number_pattern = _ace_field("course_number_pattern")
    course_number_example = _ace_field("course_number_example")
    # One certifier numbers the catalog (the seeded ACE).
    assigns_catalog_numbers = False

    @factory.post_generation
    def rule_sets(obj, create, extracted, **kwargs):
        if not create or obj.rule_sets.exists():
            return
        for data in seeds.ACE["rule_sets"] if extracted is None else extracted:
            seeding.write_rule_set(obj, data, models=seeding.current())


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    certifier = factory.SubFactory(CertifierFactory)
    name = factory.Sequence(lambda n: f"Certified Trainer {n}")


def first_cycle_end(earned_on, months=24):
    """The last day of the month the certification was earned, `months` on (ACE)."""
    return earned_on + relativedelta(months=months, day=31)


class CertificationFactory(DjangoModelFactory):
    """A certification with its first cycle, where the certifier's rules put it."""

    class Meta:
        model = Certification
        skip_postgeneration_save = True

    user = factory.SubFactory(ProfessionalFactory)
    program = factory.SubFactory(ProgramFactory)
    earned_on = factory.LazyFunction(lambda: datetime.date.today() - relativedelta(months=6))
    number = factory.Sequence(lambda n: f"ACE-{100000 + n}")

    @factory.post_generation
    def first_cycle(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            certifier = rulebook.certifier_data(obj.program.certifier)
            cycle = rules.first_cycle(certifier, obj.earned_on)
            Cycle.objects.get_or_create(
                certification=obj, starts_on=cycle.starts_on, defaults={"ends_on": cycle.ends_on}
            )


class CprCardFactory(DjangoModelFactory):
    class Meta:
        model = CprCard

    user = factory.SubFactory(ProfessionalFactory)
    issued_on = factory.LazyFunction(lambda: datetime.date.today() - relativedelta(months=3))
    expires_on = factory.LazyAttribute(lambda o: o.issued_on + relativedelta(years=2))


def _category(certifier: Certifier, kind: str, day: datetime.date) -> str:
    rule = rulebook.certifier_data(certifier).rules_on(day).activity(kind)
    return rule.category if rule is not None else kind


class CreditEntryFactory(DjangoModelFactory):
    """A ledger entry with its claim: the whole credit toward the entry's certifier (none
    given: the seeded ACE), in the category of that certifier's rule for the kind.

    `claims=[(certifier, category, credit), …]` posts those claims instead; `claims=[]` none.
    """

    class Meta:
        model = CreditEntry
        skip_postgeneration_save = True

    user = factory.SubFactory(ProfessionalFactory)
    kind = Kind.APPROVED_COURSE
    course = factory.SubFactory("tests.catalog.factories.CourseFactory")
    completion_date = factory.LazyFunction(lambda: datetime.date.today() - relativedelta(days=30))
    credit = factory.LazyAttribute(lambda o: o.course.cec_value if o.course else Decimal("0.5"))

    @factory.post_generation
    def claims(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            if obj.certifier is not None:
                certifiers = [obj.certifier]
            else:
                # Every certifier the owner holds (as a course approved by each), else ACE.
                held = Certifier.objects.filter(programs__holders__user=obj.user).distinct()
                certifiers = list(held) or [seeded_certifier("ace")]
            extracted = [
                (c, _category(c, obj.kind, obj.completion_date), obj.credit) for c in certifiers
            ]
        for certifier, category, credit in extracted:
            EntryCredit.objects.create(
                entry=obj, certifier=certifier, category=category, credit=credit
            )
