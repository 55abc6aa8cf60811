from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.conf import settings

from cecportal import inputs
from cecportal.inputs import CleanInputMixin

from .assessment import GRADE_CHOICES, assess_request
from .models import Petition
from .uploads import MAX_FILES, check_uploads

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
TENTH = Decimal("0.1")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several files in one input; cleaned into verified `CheckedFile`s (see uploads.py)."""

    widget = MultipleFileInput

    def __init__(self, *, minimum=1, maximum=MAX_FILES, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        kwargs.setdefault("required", minimum > 0)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if data is None:
            files = []
        elif isinstance(data, list | tuple):
            files = list(data)
        else:
            files = [data]
        return check_uploads(files, minimum=self.minimum, maximum=self.maximum)

    def widget_attrs(self, widget):
        return super().widget_attrs(widget) | {"accept": ACCEPT}


def _certifiers_held(user) -> list[tuple[int, str]]:
    """The certifiers of the person's certifications, as (id, name) choices."""
    from tracker.models import Certifier

    found = Certifier.objects.filter(programs__holders__user=user).distinct()
    return [(c.pk, c.name) for c in found.order_by("name")]


def documents_help():
    limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
    return (
        f"Certificate of completion, agenda or outline, transcript: 1 to {MAX_FILES} files, "
        f"PDF, JPEG or PNG, at most {limit} MB each."
    )


class PetitionForm(CleanInputMixin, forms.Form):
    type = forms.ChoiceField(label="Type of activity", choices=Petition.Type.choices)
    # Shown to a person holding certifications from more than one certifier (see __init__).
    certifier = forms.TypedChoiceField(
        label="Certifier",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="The credit counts toward each of your certifications from this certifier "
        "whose current cycle holds the completion date.",
    )
    course_title = forms.CharField(max_length=300)
    provider_name = forms.CharField(max_length=200)
    completion_date = forms.DateField(
        input_formats=["%m/%d/%Y"],
        widget=forms.TextInput(attrs={"placeholder": "MM/DD/YYYY", "autocomplete": "off"}),
        error_messages={"invalid": "Enter the date as MM/DD/YYYY."},
        validators=[inputs.BoundedDate(inputs.EARNED)],
        help_text="MM/DD/YYYY, inside a current cycle of one of your certifications.",
    )
    contact_hours = forms.DecimalField(
        max_digits=5, decimal_places=1, min_value=TENTH, required=False
    )
    credit_hours = forms.DecimalField(
        label="College credit hours",
        max_digits=4,
        decimal_places=1,
        min_value=TENTH,
        required=False,
    )
    grade = forms.ChoiceField(choices=GRADE_CHOICES, required=False)
    is_prep_course = forms.BooleanField(
        label="This was a certification-prep course", required=False
    )
    credit_requested = forms.DecimalField(
        max_digits=6,
        decimal_places=1,
        min_value=TENTH,
        required=False,
        help_text="Suggested from the hours by your certifier's rule; leave it to use that.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="What the course covered and how it relates to health and fitness.",
    )
    documents = DocumentsField(label="Supporting documents")

    def __init__(self, *args, user, preview=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.preview = preview
        self.assessment = None
        self.fields["documents"].help_text = documents_help()
        held = _certifiers_held(user)
        self.fields["certifier"].choices = [("", "The first that takes this kind")] + held
        if len(held) < 2:
            del self.fields["certifier"]
        if preview:
            # The preview only says which cycle and how much; files are not sent with it.
            del self.fields["documents"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "type",
            *(["certifier"] if "certifier" in self.fields else []),
            "course_title",
            "provider_name",
            "completion_date",
            Div("contact_hours", css_id="hours-contact", data_types="contact"),
            Div(
                "credit_hours",
                "grade",
                "is_prep_course",
                css_id="hours-college",
                data_types="college",
            ),
            Field("credit_requested", autocomplete="off"),
            "description",
            "documents",
        )

    def clean(self):
        data = super().clean()
        petition_type = data.get("type")
        if not petition_type:
            return data
        self.assessment = assess_request(
            user=self.user,
            petition_type=petition_type,
            completion_date=data.get("completion_date"),
            contact_hours=data.get("contact_hours"),
            credit_hours=data.get("credit_hours"),
            grade=data.get("grade", ""),
            is_prep_course=data.get("is_prep_course", False),
            credit_requested=data.get("credit_requested"),
            certifier_id=data.get("certifier"),
        )
        for name, messages in self.assessment.errors.items():
            if name in self.fields and name not in self.errors:
                for message in messages:
                    self.add_error(name, message)
        data["credit_requested"] = self.assessment.credit
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "type": data["type"],
            "course_title": data["course_title"],
            "provider_name": data["provider_name"],
            "completion_date": data["completion_date"],
            "contact_hours": data.get("contact_hours"),
            "credit_hours": data.get("credit_hours"),
            "grade": data.get("grade", ""),
            "is_prep_course": data.get("is_prep_course", False),
            "credit_requested": data["credit_requested"],
            "certifier_id": data.get("certifier"),
            "description": data["description"],
            "documents": data["documents"],
        }


class OwnIdsMixin:
    """Several small forms share one page and field names (note): give each its own ids so
    that every label points at its own field."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class RespondForm(CleanInputMixin, OwnIdsMixin, forms.Form):
    id_prefix = "respond"
    """The professional's answer to a request for more information."""

    note = forms.CharField(
        label="Your answer",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    documents = DocumentsField(label="More documents", minimum=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].help_text = documents_help().replace("1 to", "up to")

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("note", "").strip() and not data.get("documents"):
            raise forms.ValidationError("Write an answer or add at least one document.")
        return data


class WithdrawForm(CleanInputMixin, OwnIdsMixin, forms.Form):
    id_prefix = "withdraw"
    note = forms.CharField(label="Why (optional)", required=False, max_length=2000)


class ApproveForm(CleanInputMixin, OwnIdsMixin, forms.Form):
    id_prefix = "approve"
    credit = forms.DecimalField(
        label="Credit to award",
        max_digits=6,
        decimal_places=1,
        min_value=TENTH,
        required=False,
        help_text="Leave as it is to award the credit requested.",
    )
    note = forms.CharField(
        label="Note to the professional (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class DenyForm(CleanInputMixin, OwnIdsMixin, forms.Form):
    id_prefix = "deny"
    reason = forms.CharField(
        label="Reason for the denial",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Give the reason for the denial."},
    )


class RequestInfoForm(CleanInputMixin, OwnIdsMixin, forms.Form):
    id_prefix = "info"
    note = forms.CharField(
        label="What information is needed",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Say what information is needed."},
    )


AGE_CHOICES = [
    ("", "Any age"),
    ("overdue", "Overdue"),
    ("due_soon", "Due within 7 days"),
    ("on_track", "Within target"),
]
STATUS_CHOICES = [("open", "Open (not decided)"), *Petition.Status.choices, ("all", "All")]


class QueueFilterForm(CleanInputMixin, forms.Form):
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    type = forms.ChoiceField(choices=[("", "All types"), *Petition.Type.choices], required=False)
    age = forms.ChoiceField(choices=AGE_CHOICES, required=False)

    def values(self) -> dict:
        """The valid filters; a bad value in the address falls back to that filter's default."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "status": cleaned.get("status") or "open",
            "type": cleaned.get("type") or "",
            "age": cleaned.get("age") or "",
        }
