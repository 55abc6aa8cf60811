"""Login throttling that an attacker cannot turn against the people it protects.

Two limits, both counted in the database (django-axes' `AccessAttempt` rows), so every web
process sees the same counts:

- **per account**, across every address: after `AXES_FAILURE_LIMIT` wrong passwords the
  account's password login pauses for `AXES_COOLOFF_TIME`. Anyone can cause that, so the owner
  is emailed a one-time log-in link (and can ask for one on the lockout page): following it
  logs them in and clears the count. The pause protects the password; the link keeps the owner
  in.
- **per address**, across accounts: `LOGIN_ADDRESS_FAILURE_LIMIT` failures from one address
  within the cool-off pause log-ins from it — one guess at each of many accounts (spraying) is
  stopped there.

The address is `cecportal.clientip.client_ip` (trusts `X-Forwarded-For` only as far as
`TRUSTED_PROXIES` says).
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db.models import Sum
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

# AccessAttempt.username holds 255 characters; an email is at most 254.
USERNAME_LIMIT = 254
ACCOUNT = "account"
ADDRESS = "address"


def axes_username(request, credentials):
    """The account a login attempt is for, folded as the login form folds it, so that
    `Casey@Example.com` and `casey@example.com` count against the same lockout. Cut to the
    longest possible email: an absurd name is still counted, never a database error."""
    source = credentials if credentials else getattr(request, "POST", {})
    value = source.get("username") or ""
    return str(value).replace("\x00", "").strip().lower()[:USERNAME_LIMIT]


def address_failures(ip_address: str | None, request=None) -> int:
    if not ip_address:
        return 0
    attempts = AccessAttempt.objects.filter(
        ip_address=ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class ThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler (per account) plus the per-address limit across accounts."""

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            request.lockout_reason = ACCOUNT
            return True
        ip_address = getattr(request, "axes_ip_address", None)
        if address_failures(ip_address, request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            request.lockout_reason = ADDRESS
            return True
        return False

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            if request is not None and not getattr(request, "lockout_reason", ""):
                request.lockout_reason = ACCOUNT
            return
        if address_failures(request.axes_ip_address, request) >= (
            settings.LOGIN_ADDRESS_FAILURE_LIMIT
        ):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            request.lockout_reason = ADDRESS


# --- The owner's way back in -------------------------------------------------------------


class LoginLinkTokenGenerator(PasswordResetTokenGenerator):
    """One-time: the token hashes the last login, which following the link changes."""

    key_salt = "accounts.throttle.LoginLinkTokenGenerator"


login_link_tokens = LoginLinkTokenGenerator()


def login_link(user) -> str:
    from notices.services import absolute

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute(
        reverse(
            "accounts:login-link",
            kwargs={"uidb64": uid, "token": login_link_tokens.make_token(user)},
        )
    )


def send_login_link(email: str, *, locked: bool) -> bool:
    """Email a one-time log-in link to the account with this email, at most once per
    cool-off period (so the lockout page cannot be used to flood a mailbox). Says nothing
    about whether the account exists."""
    from notices.models import Email
    from notices.services import email_later

    user = get_user_model().objects.filter(email__iexact=email[:USERNAME_LIMIT]).first()
    if user is None or not user.is_active:
        return False
    about = f"login-link:{user.pk}"
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    if Email.objects.filter(about=about, created_at__gte=since).exists():
        return False
    email_later(
        kind="login_link",
        to=[user.email],
        context={
            "name": user.first_name,
            "link": login_link(user),
            "locked": locked,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        user=user,
        about=about,
    )
    return True


def on_locked_out(sender, request=None, username=None, **kwargs):
    """Axes' `user_locked_out` signal: an account lock emails its owner the way back in."""
    if request is not None and getattr(request, "lockout_reason", ACCOUNT) == ACCOUNT and username:
        send_login_link(username, locked=True)


def lockout_response(request, original_response=None, credentials=None):
    reason = getattr(request, "lockout_reason", "") or ACCOUNT
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked_out.html",
        {
            "reason": reason,
            "cooloff_minutes": minutes,
            "account_limit": settings.AXES_FAILURE_LIMIT,
            "address_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
            "email": axes_username(request, credentials),
        },
        status=429,
    )
