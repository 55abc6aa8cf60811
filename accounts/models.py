import secrets

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower

from cecportal.history import History


class UserManager(DjangoUserManager):
    use_in_migrations = True

    def _create_user_object(self, username, email, password, **extra_fields):
        # The email is the login: there is no separate username.
        email = self.normalize_email(email or username).lower()
        user = self.model(email=email, **extra_fields)
        user.password = ""
        if password is not None:
            user.set_password(password)
        return user

    def _create_user(self, username, email, password, **extra_fields):
        user = self._create_user_object(username, email, password, **extra_fields)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(None, email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


def new_records_stamp() -> str:
    return secrets.token_hex(8)


class User(AbstractUser):
    username = None
    email = models.EmailField("email address", unique=True)
    provider = models.ForeignKey(
        "catalog.Provider",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        help_text="The provider organisation this person works for (provider staff only).",
    )
    # Changed by every write to the person's ledger, certifications, cycles or CPR/AED cards
    # (tracker.freshness): the key of their cached evaluation. Random, so that a value from a
    # rolled-back transaction never comes back.
    records_stamp = models.CharField(max_length=16, default=new_records_stamp, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()
    # Who joined or left a provider's staff, and roles given: the password and the login
    # time stay out of it.
    history = History(
        excluded_fields=["password", "last_login", "records_stamp"],
        ignore_updates_of=["password", "last_login", "records_stamp"],
    )

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
