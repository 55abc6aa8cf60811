from django import forms

from catalog.models import Course

from .roster import MAX_BYTES


class RosterUploadForm(forms.Form):
    course = forms.ModelChoiceField(
        queryset=Course.objects.none(),
        empty_label="Choose one of your approved courses",
        help_text="Every row of the file is a completion of this course (or conference).",
    )
    file = forms.FileField(
        label="Roster file",
        max_length=200,
        help_text=f"CSV or Excel .xlsx, at most {MAX_BYTES // (1024 * 1024)} MB and 10,000 rows.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = (
            Course.objects.approved().filter(provider=provider).order_by("number")
        )


class HideForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        label="Why hide it from your totals?",
        widget=forms.TextInput(attrs={"placeholder": "e.g. I attended only half of it"}),
    )


class DisputeForm(forms.Form):
    note = forms.CharField(
        max_length=2000,
        label="What is wrong with this credit?",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    note = forms.CharField(max_length=2000, required=False, label="Note", widget=forms.TextInput())
