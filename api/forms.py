from django import forms

from .models import Scope


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What uses it, e.g. “LMS export” — so you know what stops if you revoke it.",
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.COURSES_READ],
        help_text="Give a token only what its system needs.",
    )
