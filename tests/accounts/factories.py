import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from accounts.roles import PROFESSIONAL, PROVIDER_STAFF, REVIEWER, add_to_role

PASSWORD = "correct-horse-battery-9"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProfessionalFactory(UserFactory):
    email = factory.Sequence(lambda n: f"pro{n}@example.com")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            add_to_role(obj, PROFESSIONAL)


class ProviderStaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"staff{n}@provider.example.com")
    provider = factory.SubFactory("tests.catalog.factories.ProviderFactory")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            add_to_role(obj, PROFESSIONAL)
            add_to_role(obj, PROVIDER_STAFF)


class ReviewerFactory(UserFactory):
    email = factory.Sequence(lambda n: f"reviewer{n}@example.com")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            add_to_role(obj, PROFESSIONAL)
            add_to_role(obj, REVIEWER)


class AdminFactory(UserFactory):
    email = factory.Sequence(lambda n: f"admin{n}@example.com")
    is_staff = True
    is_superuser = True
