"""Public verification: anyone with a certification number and the holder's last name sees
only the name as registered, the certifier, the program, the status (current, in grace
period, lapsed) and the date it is valid through — nothing else.

The holder's own result also has a stable signed address, which their dashboard and
transcript carry as a link and a QR code (`qr_svg`, generated here, never fetched).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

import qrcode
import qrcode.image.svg
from django.core import signing
from django.utils import timezone

from . import rulebook, rules, selectors
from .models import Certification

SALT = "tracker.verify"
# What the public sees of the rules core's status: whether the credits are met is not theirs.
PUBLIC_STATUS = {
    rules.Status.GRACE: ("grace", "In grace period"),
    rules.Status.LAPSED: ("lapsed", "Lapsed"),
}
CURRENT = ("current", "Current")
NUMBER_MAX = 50  # Certification.number's length
NAME_MAX = 150  # User.last_name's length
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Verified:
    name: str
    certifier: str
    program: str
    status: str  # current | grace | lapsed
    status_label: str
    valid_through: datetime.date | None


def _verified(certification: Certification, *, today: datetime.date) -> Verified:
    certifiers = rulebook.certifiers_data({certification.program.certifier_id})
    results = rules.evaluate(
        certifications=[selectors.certification_data(certification)],
        entries=[],
        cpr_cards=[],
        certifiers=certifiers,
        today=today,
    )
    current = next((r for r in results if r.is_current), None)
    status, label = PUBLIC_STATUS.get(current.status, CURRENT) if current else CURRENT
    user = certification.user
    return Verified(
        name=user.get_full_name() or "(no name registered)",
        certifier=certification.program.certifier.name,
        program=str(certification.program.name),
        status=status,
        status_label=label,
        valid_through=current.deadline if current else None,
    )


def _holdings():
    return Certification.objects.select_related("user", "program__certifier").prefetch_related(
        "cycles"
    )


def find(number: str, last_name: str, *, today: datetime.date | None = None) -> list[Verified]:
    """The certifications with this number whose holder has this last name (both compared
    without case or surrounding spaces); empty for no match, a wrong name or bad input alike."""
    number, last_name = (number or "").strip(), (last_name or "").strip()
    if not number or not last_name or len(number) > NUMBER_MAX or len(last_name) > NAME_MAX:
        return []
    if CONTROL.search(number + last_name):
        return []  # no stored number or name holds one (and a NUL would upset the database)
    today = today or timezone.localdate()
    found = _holdings().filter(number__iexact=number, user__last_name__iexact=last_name)
    return [_verified(c, today=today) for c in found.order_by("pk")[:5]]


def token_for(certification: Certification) -> str:
    """The same address every time (no timestamp): printed QR codes keep working."""
    return signing.Signer(salt=SALT).sign_object(certification.pk)


def from_token(token: str, *, today: datetime.date | None = None) -> Verified | None:
    try:
        pk = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(pk, int):
        return None
    certification = _holdings().filter(pk=pk).first()
    if certification is None:
        return None
    return _verified(certification, today=today or timezone.localdate())


@lru_cache(maxsize=512)
def qr_svg(url: str) -> str:
    """The address as an SVG QR code (inline markup, made on this machine)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=6, border=2)
    return image.to_string(encoding="unicode")
