from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now


class Scope(models.TextChoices):
    """What a token may do. A token carries one or more; each endpoint names the one it needs."""

    COURSES_READ = "courses:read", "Read the provider's courses and their approvals"
    COURSES_WRITE = "courses:write", "Register courses (they wait for a reviewer)"
    COMPLETIONS_WRITE = "completions:write", "Report completions and read their results"
    COMPLETIONS_READ = "completions:read", "Read the results of reported completions"


class ApiTokenQuerySet(models.QuerySet):
    def of(self, provider_id):
        return self.filter(provider_id=provider_id)

    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A provider's key to the API. Only a SHA-256 hash of the secret is stored: the secret is
    shown once, when the token is created, and cannot be read back (a lost token is revoked and
    replaced). `prefix` is the secret's first characters, stored in the clear so that a token
    can be found and named ("cecp_AbC12…") without its secret."""

    provider = models.ForeignKey(
        "catalog.Provider", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    scopes = models.JSONField(default=list)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(db_default=Now())
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Two live tokens of one provider never share a name; a revoked one frees it.
            models.UniqueConstraint(
                fields=["provider", "name"],
                condition=Q(revoked_at__isnull=True),
                name="apitoken_live_name_unique",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("created_at")),
                name="apitoken_revoked_after_created",
            ),
        ]
        indexes = [models.Index(fields=["provider", "-created_at"], name="apitoken_provider")]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None

    def scope_labels(self):
        return [Scope(s).label for s in self.scopes if s in Scope.values]
