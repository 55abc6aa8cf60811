import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from petitions.models import Petition
from tests.accounts.factories import ProfessionalFactory


class PetitionFactory(DjangoModelFactory):
    class Meta:
        model = Petition

    user = factory.SubFactory(ProfessionalFactory)
    type = Petition.Type.LIVE_WORKSHOP
    course_title = factory.Sequence(lambda n: f"Workshop {n}")
    provider_name = "Independent Studio"
    completion_date = factory.LazyFunction(
        lambda: datetime.date.today() - datetime.timedelta(days=10)
    )
    contact_hours = Decimal("5")
    credit_requested = Decimal("0.5")
    description = "A hands-on workshop on kettlebell coaching."
