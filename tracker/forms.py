"""Forms check the shape of what was typed; the services check the rules."""

from __future__ import annotations

import datetime
import re
import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from catalog.services import course_lookup
from cecportal import inputs
from cecportal.inputs import CleanInputMixin

from . import rules, uploads
from .models import Certifier, CprCard, Kind, Program

FILE_HELP = f"PDF, JPEG or PNG, {uploads.max_bytes() // 1_048_576} MB at most."
# A phone opens its camera first (the back one) and still offers its files.
CAMERA_ATTRS = {"accept": "image/*,application/pdf", "capture": "environment"}
PHOTO_ATTRS = {"accept": "image/jpeg,image/png", "capture": "environment"}
US_DATE = re.compile(r"^\s*([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\s*$")
DATE_HELP = "MM/DD/YYYY"
NOTE_MAX = 2000  # a ledger entry's note (CreditEntry.note)


class USDateField(forms.DateField):
    """A date typed as MM/DD/YYYY; the errors say which of shape or calendar is wrong."""

    def __init__(self, *, future_ok=False, bounds: inputs.DateBounds = inputs.EARNED, **kwargs):
        self.future_ok = future_ok
        self.bounds = bounds
        kwargs.setdefault("help_text", DATE_HELP)
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                format="%m/%d/%Y",
                attrs={"placeholder": DATE_HELP, "inputmode": "numeric", "autocomplete": "off"},
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        match = US_DATE.match(text)
        if not match:
            raise ValidationError(
                f"“{text[:20]}” is not in the right format. Enter the date as MM/DD/YYYY, "
                "e.g. 03/15/2025.",
                code="format",
            )
        month, dayn, year = (int(part) for part in match.groups())
        try:
            return datetime.date(year, month, dayn)
        except ValueError:
            raise ValidationError(
                f"{text} is not a real date (month {month}, day {dayn}). "
                "Enter the date as MM/DD/YYYY.",
                code="impossible",
            ) from None

    def validate(self, value):
        super().validate(value)
        if value and not self.future_ok and value > timezone.localdate():
            raise ValidationError("The date cannot be in the future.", code="future")
        message = value and self.bounds.error(value)
        if message:
            raise ValidationError(message, code="out_of_bounds")


class CreditField(forms.DecimalField):
    def __init__(self, *, unit="CECs", **kwargs):
        kwargs.setdefault("max_digits", 6)
        kwargs.setdefault("decimal_places", 1)
        kwargs.setdefault("label", unit)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        kwargs.setdefault(
            "error_messages",
            {
                "max_decimal_places": f"Enter the {unit} in tenths, e.g. 0.3.",
                "invalid": f"Enter the {unit} as a number, e.g. 0.3.",
            },
        )
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value is not None and value <= 0:
            raise ValidationError("The credit must be more than 0.", code="not_positive")


def check_certificate(upload):
    if not upload:
        return upload
    uploads.check_certificate(upload)
    return upload


class LedgerForm(CleanInputMixin, forms.Form):
    """What every ledger form shares: the one-time token and the outside-cycle confirmation."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    confirm_outside = forms.BooleanField(
        required=False,
        label="Log it anyway: I understand it counts toward no renewal.",
    )

    # Shared kinds (a course, a CPR/AED card, a college course) credit every certifier whose
    # rules take them; the others are logged toward one certifier, chosen here.
    kind = rules.APPROVED_COURSE

    def __init__(self, *args, user=None, view=None, **kwargs):
        self.user = user
        self.view = view
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())
        self.needs_confirmation = False
        certifiers = self.certifier_choices()
        if len(certifiers) > 1:
            self.fields["certifier"] = forms.TypedChoiceField(
                label="Counts toward",
                choices=[("", "Choose…")] + [(c.id, c.code) for c in certifiers],
                coerce=int,
            )

    def certifier_choices(self):
        """The person's certifiers whose rules take this kind (none for a shared kind)."""
        if self.view is None or self.kind in rules.SHARED_KINDS:
            return []
        today = self.view.today
        return [c for c in self.view.certifiers.values() if c.rules_on(today).activity(self.kind)]

    def chosen_certifier_id(self):
        value = self.cleaned_data.get("certifier")
        if value:
            return int(value)
        choices = self.certifier_choices()
        return choices[0].id if len(choices) == 1 else None

    def chosen_certifier(self) -> Certifier | None:
        cid = self.chosen_certifier_id()
        if cid is None or self.view is None:
            return None
        for cert in self.view.certifications:
            if cert.program.certifier_id == cid:
                return cert.program.certifier
        return None

    def unit(self) -> str:
        choices = self.certifier_choices()
        return choices[0].unit.plural if len(choices) == 1 else "Credit"

    def check_outside(self, day: datetime.date | None):
        """A date in no current cycle is kept only when the person says so."""
        if day is None or self.view is None:
            return
        holding = rules.current_cycles_holding(self.view.cert_data, day, self.chosen_certifier_id())
        if holding or self.cleaned_data.get("confirm_outside"):
            return
        self.needs_confirmation = True
        ended = rules.awaiting_renewal(self.view.cert_data, day, self.chosen_certifier_id())
        if ended:
            names = rules.join_names([c.name for c, _ in ended])
            last = max(cycle.ends_on for _, cycle in ended)
            text = (
                f"{day:%m/%d/%Y} is after the current cycle of {names} ended ({last:%m/%d/%Y}): "
                "this credit counts toward the next cycle once you record the renewal. Tick the "
                "box to log it now."
            )
        elif self.view.cert_data:
            text = (
                f"{day:%m/%d/%Y} is outside every current renewal cycle: this credit will "
                "count toward no renewal. Tick the box to log it anyway."
            )
        else:
            text = (
                "You have no certification yet, so this credit counts toward no renewal. "
                "Add your certification first, or tick the box to log it anyway."
            )
        self.add_error("confirm_outside", text)


class CourseCreditForm(LedgerForm):
    """The seed's form: course number, CECs (filled in by itself), completion date."""

    ascii_digit_fields = ("course_number",)

    course_number = forms.CharField(
        label="Course number",
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": "e.g. CA23456", "spellcheck": "false"}
        ),
    )
    sessions = forms.TypedMultipleChoiceField(
        required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    completion_date = USDateField(label="Completion date")
    certificate = forms.FileField(
        required=False,
        label="Certificate of completion (optional)",
        help_text=FILE_HELP,
        validators=[check_certificate],
        widget=forms.ClearableFileInput(attrs=CAMERA_ATTRS),
    )
    # A certificate read for this form (CertificateReading): its file becomes the entry's.
    reading = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    field_order = ["course_number", "sessions", "completion_date", "certificate"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lookup_url = reverse("tracker:course-lookup")
        self.fields["course_number"].widget.attrs.update(
            {
                "hx-get": lookup_url,
                # "input", not "keyup": a number pasted with the mouse or filled in by the
                # browser fires no key, and must fill the CECs all the same.
                "hx-trigger": "input changed delay:250ms, change",
                "hx-target": "#course-lookup",
                "hx-swap": "outerHTML",
                "hx-include": "#id_completion_date",
                "hx-sync": "this:replace",
            }
        )
        self.fields["completion_date"].widget.attrs.update(
            {
                "hx-get": lookup_url,
                "hx-trigger": "change",
                "hx-target": "#course-lookup",
                "hx-swap": "outerHTML",
                "hx-include": "#id_course_number, #course-lookup input[name='sessions']",
            }
        )
        self.lookup = None
        number = self.data.get("course_number") if self.is_bound else None
        if number:
            # The session choices come from the course the number names.
            self.lookup = course_lookup(number, on=_parse_or_none(self.data.get("completion_date")))
            self.fields["sessions"].choices = [
                (s.pk, f"{s.code} — {s.title} ({s.cec_value})") for s in self.lookup.sessions
            ]

    def clean(self):
        data = super().clean()
        if self.lookup is not None and "course_number" in data:
            if not self.lookup.ok:
                self.add_error("course_number", self.lookup.message)
            elif self.lookup.is_conference and not data.get("sessions"):
                self.add_error("sessions", "Tick the sessions you attended.")
        if not self.errors:
            self.check_outside(data.get("completion_date"))
        return data

    def selected_sessions(self):
        wanted = set(self.cleaned_data.get("sessions") or ())
        return [s for s in self.lookup.sessions if s.pk in wanted] if self.lookup else []

    @property
    def petition_offered(self):
        return self.lookup is not None and self.lookup.reason not in ("ok", "malformed")


def _parse_or_none(text) -> datetime.date | None:
    try:
        return USDateField(future_ok=True).to_python(text)
    except ValidationError:
        return None


# --- Other activities -----------------------------------------------------------------------

ACTIVITY_KINDS = {
    "cpr-aed": Kind.CPR_AED,
    "first-aid": Kind.FIRST_AID,
    "live-event": Kind.LIVE_EVENT,
    "college": Kind.COLLEGE,
    "presenting": Kind.PRESENTING,
    "broadening": Kind.BROADENING,
    "publishing": Kind.PUBLISHING,
    "mentoring": Kind.MENTORING,
    "volunteering": Kind.VOLUNTEERING,
    "quiz": Kind.QUIZ,
    "extra-certification": Kind.EXTRA_CERTIFICATION,
}
KIND_SLUGS = {kind: slug for slug, kind in ACTIVITY_KINDS.items()}

TITLE_LABELS = {
    Kind.COLLEGE: "College course (name and school)",
    Kind.PRESENTING: "What you presented, where",
    Kind.BROADENING: "Certification earned (name and certifier)",
    Kind.PUBLISHING: "What you published, where",
    Kind.MENTORING: "Mentoring or outreach activity",
    Kind.LIVE_EVENT: "Course or event (title and provider)",
    Kind.VOLUNTEERING: "Committee or working group",
    Kind.QUIZ: "Quiz (journal issue or video)",
}
DATE_LABELS = {
    Kind.EXTRA_CERTIFICATION: "Date earned",
    Kind.BROADENING: "Date earned",
    Kind.PUBLISHING: "Publication date",
    Kind.COLLEGE: "Completion date (end of term)",
}


# Kinds whose credit the person states (the rules cap it); others are valued by the rules.
STATED_KINDS = (Kind.PRESENTING, Kind.MENTORING, Kind.VOLUNTEERING, Kind.PUBLISHING)


class ActivityForm(LedgerForm):
    """One small form for each other way to earn credit; its fields depend on the kind."""

    def __init__(self, *args, kind: str, rule: rules.ActivityRule | None = None, **kwargs):
        self.kind = kind
        self.rule = rule
        super().__init__(*args, **kwargs)
        unit = self.unit()
        f = self.fields
        if kind in (Kind.CPR_AED, Kind.FIRST_AID):
            cards = CprCard.objects.filter(user=self.user).order_by("-issued_on", "-pk")
            f["cpr_card"] = forms.ModelChoiceField(
                queryset=cards,
                label="CPR/AED card",
                empty_label="Choose a card…",
                help_text="The credit is dated on the card's issue date.",
            )
        elif kind == Kind.EXTRA_CERTIFICATION:
            certifier_ids = list(self.view.certifiers) if self.view else []
            programs = Program.objects.select_related("certifier").order_by(
                "certifier__name", "name"
            )
            if certifier_ids:
                programs = programs.filter(certifier_id__in=certifier_ids)
            f["program"] = forms.ModelChoiceField(
                queryset=programs, label="Certification earned", empty_label="Choose…"
            )
        else:
            f["title"] = forms.CharField(label=TITLE_LABELS.get(kind, "Activity"), max_length=300)
        if kind == Kind.COLLEGE:
            f["credit_hours"] = forms.DecimalField(
                label="College credit hours",
                max_digits=4,
                decimal_places=1,
                min_value=Decimal("0.1"),
            )
            minimum = rule.min_grade if rule and rule.min_grade else ""
            f["grade"] = forms.CharField(
                label="Grade",
                max_length=2,
                help_text=f"{minimum} or better counts." if minimum else "A letter grade.",
            )
            f["is_prep_course"] = forms.BooleanField(
                required=False, label="This was a certification-prep course"
            )
        if kind == Kind.LIVE_EVENT:
            f["contact_hours"] = forms.DecimalField(
                label="Contact hours",
                max_digits=6,
                decimal_places=2,
                min_value=Decimal("0.25"),
                max_value=Decimal("1000"),
                help_text="Each certifier converts the hours into its own unit.",
            )
        if kind in STATED_KINDS and not (rule and rule.value is not None):
            f["credit"] = CreditField(unit=unit, help_text=self.cap_text())
        if kind not in (Kind.CPR_AED, Kind.FIRST_AID):
            f["completion_date"] = USDateField(label=DATE_LABELS.get(kind, "Completion date"))
        f["note"] = forms.CharField(
            required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
        )
        f["certificate"] = forms.FileField(
            required=False,
            label="Proof (optional)",
            help_text=FILE_HELP,
            validators=[check_certificate],
        )
        # Keep the token and confirmation last.
        for name in ("confirm_outside", "token"):
            f[name] = f.pop(name)

    def cap_text(self):
        choices = self.certifier_choices()
        if len(choices) != 1 or self.view is None:
            return ""
        return rules.stated_limit_message(choices[0], self.kind, self.view.today)

    def clean_grade(self):
        grade = self.cleaned_data["grade"].strip().upper()
        if grade not in rules.GRADES:
            raise ValidationError("Enter a letter grade, e.g. A, B+ or C.")
        minimum = self.rule.min_grade if self.rule else ""
        if minimum and not rules.grade_at_least(grade, minimum):
            raise ValidationError(f"College credit needs a grade of {minimum} or better.")
        return grade

    def completion(self) -> datetime.date | None:
        if self.kind in (Kind.CPR_AED, Kind.FIRST_AID):
            card = self.cleaned_data.get("cpr_card")
            return card.issued_on if card else None
        return self.cleaned_data.get("completion_date")

    def clean(self):
        data = super().clean()
        if self.kind in (Kind.CPR_AED, Kind.FIRST_AID):
            card = data.get("cpr_card")
            if card and card.issued_on > timezone.localdate():
                self.add_error("cpr_card", "That card was issued in the future.")
        if not self.errors:
            self.check_outside(self.completion())
        return data


# --- Certifications and cards ---------------------------------------------------------------


class CertificationForm(CleanInputMixin, forms.Form):
    ascii_digit_fields = ("number",)
    program = forms.ModelChoiceField(
        queryset=Program.objects.select_related("certifier").order_by("certifier__name", "name"),
        label="Certification",
        empty_label="Choose…",
    )
    earned_on = USDateField(label="Date earned")
    last_renewed_on = USDateField(
        label="Last renewed on (optional)",
        required=False,
        help_text="MM/DD/YYYY. Leave empty if you have not renewed it since you earned it.",
    )
    number = forms.CharField(label="Certification number", max_length=50, required=False)

    def clean(self):
        data = super().clean()
        earned, renewed = data.get("earned_on"), data.get("last_renewed_on")
        if earned and renewed and renewed < earned:
            self.add_error("last_renewed_on", "A renewal cannot come before the date earned.")
        return data


class RenewalRecordForm(CleanInputMixin, forms.Form):
    renewed_on = USDateField(label="Renewed on", help_text="MM/DD/YYYY, as the certifier says.")


def check_card_photo(upload):
    """A picture of one side of a CPR/AED card: JPEG or PNG, checked by its content."""
    if not upload:
        return upload
    content_type, _extension = uploads.check_certificate(upload)
    if content_type not in uploads.IMAGE_TYPES:
        raise ValidationError("A side of the card must be a photo (JPEG or PNG), not a PDF.")
    return upload


class CprCardForm(CleanInputMixin, forms.Form):
    issued_on = USDateField(label="Issue date", bounds=inputs.CPR_ISSUED)
    expires_on = USDateField(label="Expiry date", future_ok=True, bounds=inputs.CPR_EXPIRES)
    provider_name = forms.CharField(label="Issued by", max_length=200, required=False)
    front_image = forms.FileField(
        required=False,
        label="Photo of the front (optional)",
        help_text="JPEG or PNG. Some certifiers (NASM) ask for both sides.",
        validators=[check_card_photo],
        widget=forms.ClearableFileInput(attrs=PHOTO_ATTRS),
    )
    back_image = forms.FileField(
        required=False,
        label="Photo of the back (optional)",
        help_text="JPEG or PNG.",
        validators=[check_card_photo],
        widget=forms.ClearableFileInput(attrs=PHOTO_ATTRS),
    )
    reading = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    log_credit = forms.BooleanField(
        required=False,
        initial=True,
        label="Also log this renewal as CPR/AED credit",
    )

    def clean(self):
        data = super().clean()
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and expires and expires <= issued:
            self.add_error("expires_on", "The card must expire after it was issued.")
        window = inputs.window_error(
            issued, expires, max_years=inputs.CPR_CARD_MAX_YEARS, what="A CPR/AED card is valid"
        )
        if window and "expires_on" not in self.errors:
            self.add_error("expires_on", window)
        return data


# --- Editing an entry -----------------------------------------------------------------------


class EntryEditForm(CleanInputMixin, forms.Form):
    completion_date = USDateField(label="Completion date")
    title = forms.CharField(required=False, max_length=300)
    note = forms.CharField(
        required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    certificate = forms.FileField(
        required=False,
        label="Replace the certificate",
        help_text=FILE_HELP,
        validators=[check_certificate],
    )
    remove_certificate = forms.BooleanField(required=False, label="Remove the certificate")
    confirm_outside = forms.BooleanField(
        required=False,
        label="Save it anyway: I understand it counts toward no renewal.",
    )

    def __init__(self, *args, entry, unit="CECs", certifications=(), **kwargs):
        self.entry = entry
        self.certifications = certifications
        self.needs_confirmation = False
        initial = {
            "completion_date": entry.completion_date,
            "title": entry.title,
            "note": entry.note,
        }
        if entry.kind in STATED_KINDS:
            initial["credit"] = entry.credit
        if entry.kind == Kind.COLLEGE:
            initial |= {
                "credit_hours": entry.credit_hours,
                "grade": entry.grade,
                "is_prep_course": entry.is_prep_course,
            }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        if entry.kind in STATED_KINDS:
            self.fields["credit"] = CreditField(unit=unit)
        if entry.kind == Kind.CONFERENCE and entry.course_id:
            self.fields["sessions"] = forms.ModelMultipleChoiceField(
                queryset=entry.course.sessions.all(),
                widget=forms.CheckboxSelectMultiple,
                initial=[s.pk for s in entry.sessions.all()],
            )
        if entry.kind == Kind.COLLEGE:
            self.fields["credit_hours"] = forms.DecimalField(
                label="College credit hours", max_digits=4, decimal_places=1
            )
            self.fields["grade"] = forms.CharField(label="Grade", max_length=2)
            self.fields["is_prep_course"] = forms.BooleanField(
                required=False, label="Certification-prep course"
            )
        if entry.kind in (Kind.CPR_AED, Kind.FIRST_AID):
            del self.fields["completion_date"]
        if not entry.certificate:
            del self.fields["remove_certificate"]

    def clean(self):
        data = super().clean()
        day = data.get("completion_date")
        # As when adding: a new date that no current cycle holds is kept only when confirmed.
        if (
            not self.errors
            and day is not None
            and day != self.entry.completion_date
            and not data.get("confirm_outside")
            and not rules.current_cycles_holding(
                self.certifications,
                day,
                None if self.entry.kind in rules.SHARED_KINDS else self.entry.certifier_id,
            )
        ):
            self.needs_confirmation = True
            self.add_error(
                "confirm_outside",
                f"{day:%m/%d/%Y} is outside every current renewal cycle: this credit will "
                "count toward no renewal. Tick the box to save it anyway.",
            )
        return data


class StaffEntryForm(CourseCreditForm):
    """A reviewer enters an approved course from the certificate a professional sent in:
    the same checks as the professional's own form, the certificate required, and how it
    arrived noted for the history."""

    note = forms.CharField(
        label="How the certificate arrived",
        max_length=500,
        help_text="E.g. “Emailed to support on 11/30/2026”. Kept with the entry's history.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    field_order = ["course_number", "sessions", "completion_date", "certificate", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        certificate = self.fields["certificate"]
        certificate.required = True
        certificate.label = "Certificate of completion"
        certificate.error_messages["required"] = "Attach the certificate the professional sent."
        # The live lookup previews for the signed-in person; here that is the reviewer.
        for name in ("course_number", "completion_date"):
            attrs = self.fields[name].widget.attrs
            for key in [k for k in attrs if k.startswith("hx-")]:
                del attrs[key]

    def check_outside(self, day):
        if day is None or self.view is None:
            return
        holding = rules.current_cycles_holding(self.view.cert_data, day, self.chosen_certifier_id())
        if holding or self.cleaned_data.get("confirm_outside"):
            return
        self.needs_confirmation = True
        self.add_error(
            "confirm_outside",
            f"{day:%m/%d/%Y} is outside every current renewal cycle of this professional: "
            "the credit would count toward no renewal. Tick the box to enter it anyway.",
        )


class ProfessionalSearchForm(CleanInputMixin, forms.Form):
    q = forms.CharField(
        label="Email, name or certification number",
        max_length=254,
        min_length=3,
        error_messages={"min_length": "Type at least 3 characters."},
    )


# --- Reading a certificate ------------------------------------------------------------------


class ReadCertificateForm(CleanInputMixin, forms.Form):
    """A photo or PDF of a certificate, to be read and fill in the add form."""

    file = forms.FileField(
        label="Take a photo of the certificate, or choose its PDF",
        help_text=f"{FILE_HELP} The portal reads it and fills in the form; you check it "
        "before anything is saved.",
        validators=[check_certificate],
        widget=forms.FileInput(attrs=CAMERA_ATTRS),
        error_messages={"required": "Choose a photo or PDF of the certificate to read."},
    )
    purpose = forms.ChoiceField(
        choices=[("course", "course"), ("cpr", "cpr")], initial="course", widget=forms.HiddenInput
    )
