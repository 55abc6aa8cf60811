import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from cecportal import inputs
from cecportal.inputs import CleanInputMixin
from tracker.models import Certifier

from .models import Course, Provider
from .numbers import PREFIXES

CEC_FIELD = {
    "max_digits": 5,
    "decimal_places": 1,
    "min_value": Decimal("0.1"),
    "max_value": Decimal("999.9"),
    "error_messages": {
        "max_decimal_places": "CECs are counted in tenths: use one decimal place, e.g. 0.3.",
        "max_whole_digits": "That is far more CECs than any course carries.",
        "max_digits": "That is far more CECs than any course carries.",
        "min_value": "Enter a CEC value greater than 0 (at least 0.1).",
        "max_value": "That is far more CECs than any course carries (at most 999.9).",
    },
}


HOURS_FIELD = {
    "max_digits": 6,
    "decimal_places": 2,
    "min_value": Decimal("0.01"),
    "max_value": Decimal("9999.99"),
    "required": False,
    "error_messages": {
        "max_decimal_places": "Give the hours to at most two decimal places, e.g. 1.5.",
        "max_whole_digits": "That is far more hours than any course takes.",
        "max_digits": "That is far more hours than any course takes.",
        "min_value": "Enter contact hours greater than 0.",
        "max_value": "That is far more hours than any course takes (at most 9999.99).",
    },
}


class CatalogSearchForm(CleanInputMixin, forms.Form):
    """The public catalog's filters. An invalid filter is dropped, never an error page."""

    STATUS_CHOICES = [
        ("", "All approved"),
        ("current", "Current approval"),
        ("expired", "Approval expired"),
        ("retired", "Retired"),
    ]

    q = forms.CharField(
        label="Number, title words or provider", max_length=200, required=False, strip=True
    )
    format = forms.ChoiceField(
        label="Format", choices=[("", "Any format"), *Course.Format.choices], required=False
    )
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)

    def filters(self):
        """The valid filters only: a bad value in one does not throw away the others."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name, "") for name in self.fields}


class CourseRegistrationForm(CleanInputMixin, forms.Form):
    title = forms.CharField(max_length=300)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10_000
    )
    delivery_format = forms.ChoiceField(label="Delivery format", choices=Course.Format.choices)
    cec_value = forms.DecimalField(
        label="CEC value",
        required=False,
        help_text="In tenths (0.1 CEC = 1 contact hour). A conference leaves this blank: "
        "each session carries its own value.",
        **CEC_FIELD,
    )
    contact_hours = forms.DecimalField(
        label="Contact hours (optional)",
        help_text="Hours of instruction; other certifiers convert these to their own units. "
        "Left blank: the CEC value in hours (0.1 CEC = 1 hour). A conference's hours are its "
        "sessions'.",
        **HOURS_FIELD,
    )

    def clean(self):
        data = super().clean()
        conference = data.get("delivery_format") == Course.Format.CONFERENCE
        if not conference and "cec_value" in data and data.get("cec_value") is None:
            self.add_error("cec_value", "Enter the course's CEC value.")
        if conference:
            data["cec_value"] = None
            data["contact_hours"] = None
        return data


class SessionForm(CleanInputMixin, forms.Form):
    ascii_digit_fields = ("code",)
    code = forms.CharField(label="Session code", max_length=20)
    title = forms.CharField(label="Session title", max_length=300)
    cec_value = forms.DecimalField(label="Session CECs", **CEC_FIELD)
    contact_hours = forms.DecimalField(label="Hours (optional)", **HOURS_FIELD)

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if not code.replace("-", "").replace(".", "").replace("_", "").isalnum():
            raise ValidationError("Use letters, digits, dots or dashes.")
        return code


class BaseSessionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        codes = set()
        for form in self.forms:
            if not form.cleaned_data or self.can_delete and self._should_delete_form(form):
                continue
            code = form.cleaned_data["code"]
            if code in codes:
                raise ValidationError(f"Session code {code} appears twice.")
            codes.add(code)

    def sessions(self):
        return [
            {k: form.cleaned_data.get(k) for k in ("code", "title", "cec_value", "contact_hours")}
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]


SessionFormSet = forms.formset_factory(
    SessionForm,
    formset=BaseSessionFormSet,
    extra=3,
    can_delete=True,
    max_num=100,
    validate_max=True,
    absolute_max=100,
)


def _default_window():
    today = timezone.localdate()
    try:
        end = today.replace(year=today.year + 2) - datetime.timedelta(days=1)
    except ValueError:  # 29 February
        end = today.replace(year=today.year + 2, day=28)
    return today, end


def us_date_field(label, *, bounds: inputs.DateBounds, required=True):
    """A date typed and shown as MM/DD/YYYY, whatever the locale's own formats say, inside
    its plausible `bounds`."""
    return forms.DateField(
        label=label,
        required=required,
        validators=[inputs.BoundedDate(bounds)],
        input_formats=["%m/%d/%Y"],
        widget=forms.DateInput(format="%m/%d/%Y", attrs={"placeholder": "MM/DD/YYYY"}),
        error_messages={"invalid": "Enter the date as MM/DD/YYYY, e.g. 01/31/2027."},
    )


def _check_window(form, start, end, field):
    message = inputs.window_error(
        start, end, max_years=inputs.APPROVAL_MAX_YEARS, what="An approval runs"
    )
    if message and field not in form.errors:
        form.add_error(field, message)


class ApproveForm(CleanInputMixin, forms.Form):
    number_prefix = forms.ChoiceField(
        label="Number prefix",
        choices=[(p, p) for p in PREFIXES],
        help_text="The digits are the next free ones for this prefix.",
    )
    approved_on = us_date_field("Approved on (MM/DD/YYYY)", bounds=inputs.APPROVAL_START)
    expires_on = us_date_field("Expires on (MM/DD/YYYY)", bounds=inputs.APPROVAL_END)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        start, end = _default_window()
        self.fields["approved_on"].initial = start
        self.fields["expires_on"].initial = end

    def clean(self):
        data = super().clean()
        start, end = data.get("approved_on"), data.get("expires_on")
        if start and end and end < start:
            self.add_error("expires_on", "The approval cannot expire before it starts.")
        _check_window(self, start, end, "expires_on")
        return data


class RejectForm(CleanInputMixin, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="The provider sees this reason.",
    )


class ProviderForm(CleanInputMixin, forms.ModelForm):
    class Meta:
        model = Provider
        fields = ["name", "contact_email", "website"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Provider.objects.filter(name__iexact=name).exists():
            raise ValidationError("A provider with this name already exists.")
        return name


class StaffForm(CleanInputMixin, forms.Form):
    email = forms.EmailField(
        label="Email of the staff member", help_text="They must already have an account."
    )


class ImportUploadForm(CleanInputMixin, forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV (a BOM and Windows line endings are fine), at most "
        f"{settings.MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Larger files: "
        "manage.py import_courses FILE.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise ValidationError(
                "This file is too large for the upload page; use manage.py import_courses."
            )
        if upload.size == 0:
            raise ValidationError("The file is empty.")
        return upload


class CourseApprovalForm(CleanInputMixin, forms.Form):
    """Another certifier's approval of a course: the shape only; the service checks the
    number against the certifier's format, the category against its rules."""

    certifier = forms.ModelChoiceField(
        label="Certifier", queryset=Certifier.objects.none(), empty_label="Choose a certifier"
    )
    ascii_digit_fields = ("number",)
    number = forms.CharField(label="Their course number", max_length=64)
    credit = forms.DecimalField(
        label="Credit (optional)",
        required=False,
        max_digits=6,
        decimal_places=1,
        min_value=Decimal("0.1"),
        help_text="In the certifier's own unit. Leave blank to convert the contact hours.",
        error_messages={
            "max_decimal_places": "Credit is counted in tenths: use one decimal place.",
            "min_value": "Enter a credit greater than 0, or leave it blank.",
        },
    )
    category = forms.CharField(
        label="Category (optional)",
        max_length=20,
        required=False,
        help_text="The certifier's category code, when the approval puts the course in one "
        "(e.g. own at AFAA).",
    )
    valid_from = us_date_field(
        "Valid from (MM/DD/YYYY, optional)", bounds=inputs.APPROVAL_START, required=False
    )
    valid_to = us_date_field(
        "Valid to (MM/DD/YYYY, optional)", bounds=inputs.APPROVAL_END, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certifier"].queryset = Certifier.objects.filter(
            assigns_catalog_numbers=False
        ).order_by("name")

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "The approval cannot end before it starts.")
        _check_window(self, start, end, "valid_to")
        return data
