from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.urls import reverse

from cecportal.inputs import CleanInputMixin
from notices.models import Preferences

User = get_user_model()


def _email_taken(email, exclude_pk=None):
    qs = User.objects.filter(email__iexact=email)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


TAKEN_MESSAGE = "An account with this email already exists. Log in, or reset your password."


class SignUpForm(CleanInputMixin, BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "first_name", "last_name"]
        labels = {"first_name": "First name", "last_name": "Last name"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if _email_taken(email):
            raise forms.ValidationError(TAKEN_MESSAGE, code="taken")
        return email


class EmailLoginForm(CleanInputMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "That email and password do not match an account. "
        "Both are case-sensitive except the email.",
        "inactive": "This account is inactive.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "email"}
        )

    def clean_username(self):
        return (self.cleaned_data.get("username") or "").strip().lower()


class LoginLinkRequestForm(CleanInputMixin, forms.Form):
    email = forms.EmailField(label="Your account's email", max_length=254)


class ProfileForm(CleanInputMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]
        labels = {"first_name": "First name", "last_name": "Last name"}

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if _email_taken(email, exclude_pk=self.instance.pk):
            raise forms.ValidationError(TAKEN_MESSAGE, code="taken")
        return email


class PreferencesForm(CleanInputMixin, forms.ModelForm):
    """What a person receives beyond the emails about their own actions (saved with the
    profile; the row is created on the first save)."""

    class Meta:
        model = Preferences
        fields = ["reminders", "digests"]
        labels = {"reminders": "Deadline reminders", "digests": "Digests"}
        help_texts = {
            "reminders": "Emails 90, 30 and 7 days before a renewal deadline, when a grace "
            "period starts and when it runs out, and before a CPR/AED card expires.",
            "digests": "Reviewers: a weekly list of petitions past the decision target. "
            "Provider staff: notice before a course approval expires.",
        }


class AccountDeleteForm(CleanInputMixin, forms.Form):
    password = forms.CharField(
        label="Your password",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    understood = forms.BooleanField(
        label="I understand that my records and files are erased and cannot be recovered.",
        error_messages={"required": "Tick the box to confirm."},
    )

    def __init__(self, *args, user, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if plan.open_petitions:
            count = len(plan.open_petitions)
            self.fields["withdraw_open"] = forms.BooleanField(
                label=f"Withdraw and erase my {count} petition{'s' if count > 1 else ''} "
                "still being decided.",
                error_messages={
                    "required": "Your petition is still being decided: tick the box to "
                    "withdraw it, or wait for the decision."
                },
            )

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's reset, its email sent the portal's way: stored in the outbox and sent by the
    worker (retried, listed in the admin when it fails), as text and HTML, its link on the
    site's address (SITE_URL) whatever address the request came to."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):  # fmt: skip
        from notices.services import absolute, email_later

        user = context["user"]
        link = reverse(
            "accounts:password-reset-confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        email_later(
            kind="password_reset",
            to=[to_email],
            context={"name": user.first_name, "email": user.email, "link": absolute(link)},
            user=user,
            about=f"password-reset:{user.pk}",
        )
