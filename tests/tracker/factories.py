import datetime
from decimal import Decimal

import factory
from dateutil.relativedelta import relativedelta
from factory.django import DjangoModelFactory

from tests.accounts.factories import ProfessionalFactory
from tracker.models import (
    Certification,
    Certifier,
    CprCard,
    CreditEntry,
    Cycle,
    Kind,
    KindRule,
    Program,
)

# ACE's published values (DOMAIN.md, "Ways to earn CECs").
ACE_KIND_RULES = {
    Kind.APPROVED_COURSE: {},
    Kind.CONFERENCE: {},
    Kind.CPR_AED: {"per_unit": Decimal("0.2")},
    Kind.COLLEGE: {
        "per_unit": Decimal("1.0"),
        "entry_cap": Decimal("2.0"),
        "prep_course_cap": Decimal("0.5"),
        "min_grade": "C",
    },
    Kind.EXTRA_CERTIFICATION: {"meets_requirement": True},
    Kind.PRESENTING: {"cycle_cap": Decimal("0.5")},
    Kind.BROADENING: {"value": Decimal("0.5")},
    Kind.PUBLISHING: {"value": Decimal("0.5")},
    Kind.MENTORING: {"cycle_cap": Decimal("0.1")},
    Kind.PETITION: {},
}


class CertifierFactory(DjangoModelFactory):
    """An ACE-like certifier with ACE's kind rules (no data migration needed)."""

    class Meta:
        model = Certifier
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Certifier {n}")
    code = factory.Sequence(lambda n: f"cert{n}")
    credit_unit = "CEC"
    contact_hours_per_unit = Decimal("10")
    cycle_months = 24
    cycle_anchor = Certifier.Anchor.EARNED
    credits_required = Decimal("2.0")
    cpr_required = True
    grace_months = 6

    @factory.post_generation
    def kind_rules(obj, create, extracted, **kwargs):
        if not create:
            return
        for kind, values in (extracted or ACE_KIND_RULES).items():
            KindRule.objects.get_or_create(certifier=obj, kind=kind, defaults=values)


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    certifier = factory.SubFactory(CertifierFactory)
    name = factory.Sequence(lambda n: f"Certified Trainer {n}")


def first_cycle_end(earned_on, months=24):
    """The last day of the month the certification was earned, `months` on."""
    return earned_on + relativedelta(months=months, day=31)


class CertificationFactory(DjangoModelFactory):
    """A certification with its first cycle (earned-date anchored)."""

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
            certifier = obj.program.certifier
            Cycle.objects.get_or_create(
                certification=obj,
                starts_on=obj.earned_on,
                defaults={
                    "ends_on": first_cycle_end(obj.earned_on, certifier.cycle_months),
                    "credits_required": certifier.credits_required,
                },
            )


class CprCardFactory(DjangoModelFactory):
    class Meta:
        model = CprCard

    user = factory.SubFactory(ProfessionalFactory)
    issued_on = factory.LazyFunction(lambda: datetime.date.today() - relativedelta(months=3))
    expires_on = factory.LazyAttribute(lambda o: o.issued_on + relativedelta(years=2))


class CreditEntryFactory(DjangoModelFactory):
    class Meta:
        model = CreditEntry

    user = factory.SubFactory(ProfessionalFactory)
    kind = Kind.APPROVED_COURSE
    course = factory.SubFactory("tests.catalog.factories.CourseFactory")
    completion_date = factory.LazyFunction(lambda: datetime.date.today() - relativedelta(days=30))
    credit = factory.LazyAttribute(lambda o: o.course.cec_value if o.course else Decimal("0.5"))
