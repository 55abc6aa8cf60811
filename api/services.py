"""Provider API tokens: created with a secret shown once, found by their prefix, checked by
their hash in constant time, revoked at once."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Provider

from .models import ApiToken, Scope

# "cecp_" and 43 URL-safe characters (32 random bytes): 256 bits that nobody guesses, so one
# round of SHA-256 is enough to keep a stolen database from yielding a usable token.
TOKEN_MARK = "cecp_"
PREFIX_LENGTH = len(TOKEN_MARK) + 8
SECRET_BYTES = 32
MAX_TOKEN_LENGTH = 200
# Writing last_used_at on every call would make every read a write; once a minute is enough
# for a person deciding whether a token is still in use.
LAST_USED_EVERY = datetime.timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = sorted(set(scopes))
    unknown = [s for s in chosen if s not in Scope.values]
    if unknown:
        raise ValidationError({"scopes": f"Unknown scope: {', '.join(unknown)[:100]}."})
    if not chosen:
        raise ValidationError({"scopes": "Choose at least one scope."})
    return chosen


@transaction.atomic
def token_create(
    *, provider: Provider, by, name: str, scopes: Iterable[str]
) -> tuple[ApiToken, str]:
    """A new token for the provider, and its secret: the only time the secret exists outside
    the caller's hands (only its hash is stored)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. the system that uses it."})
    chosen = _clean_scopes(scopes)
    if ApiToken.objects.of(provider.pk).active().filter(name__iexact=name).exists():
        raise ValidationError({"name": f"A live token is already named “{name[:100]}”."})
    for _ in range(3):
        raw = TOKEN_MARK + secrets.token_urlsafe(SECRET_BYTES)
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    provider=provider,
                    name=name,
                    scopes=chosen,
                    prefix=raw[:PREFIX_LENGTH],
                    secret_hash=_hash(raw),
                    created_by=by,
                )
        except IntegrityError:
            # A prefix already taken (one chance in 2**48), or the same name a moment ago.
            if ApiToken.objects.of(provider.pk).active().filter(name__iexact=name).exists():
                raise ValidationError({"name": "A live token was just given this name."}) from None
            continue
        return token, raw
    raise ValidationError("Could not create a token; try again.")


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke a token: the next call made with it is refused. Revoking twice changes nothing."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


def token_authenticate(raw: str | None) -> ApiToken | None:
    """The live token this secret belongs to, or None. One indexed query by prefix; the hash
    is compared in constant time."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH or not raw.startswith(TOKEN_MARK):
        return None
    token = (
        ApiToken.objects.select_related("provider")
        .filter(prefix=raw[:PREFIX_LENGTH], revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(raw)):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
