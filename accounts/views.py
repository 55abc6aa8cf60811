from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.generic import UpdateView

from notices import calendar
from notices.models import Preferences

from . import mydata, services
from .backends import BACKEND
from .forms import (
    AccountDeleteForm,
    EmailLoginForm,
    LoginLinkRequestForm,
    PasswordResetForm,
    PreferencesForm,
    ProfileForm,
    SignUpForm,
)
from .roles import PROFESSIONAL, add_to_role, landing
from .throttle import login_link_tokens, send_login_link

# Every class view here takes these; anything else (PUT, DELETE, OPTIONS…) gets 405.
PAGE_METHODS = ["get", "head", "post"]


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect(landing(request.user))
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            add_to_role(user, PROFESSIONAL)
        login(request, user, backend=BACKEND)
        messages.success(request, "Welcome! Add your certifications to start tracking credits.")
        return redirect("tracker:dashboard")
    return render(request, "accounts/signup.html", {"form": form})


class LoginView(auth_views.LoginView):
    form_class = EmailLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    http_method_names = PAGE_METHODS

    def get_default_redirect_url(self):
        # Without a `next`, each role lands on its work.
        return resolve_url(landing(self.request.user))


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post"]


@login_not_required
@require_POST
def login_link_request(request):
    """From the lockout page: email a one-time log-in link to the account (if there is one)."""
    form = LoginLinkRequestForm(request.POST)
    if form.is_valid():
        send_login_link(form.cleaned_data["email"], locked=False)
        messages.info(
            request,
            "If an account uses that email, a one-time log-in link is on its way to it "
            "(at most one every few minutes). It works once.",
        )
        return redirect("accounts:login")
    return render(request, "accounts/locked_out.html", {"link_form": form}, status=400)


def _link_user(uidb64):
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return get_user_model().objects.filter(pk=pk, is_active=True).first()


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def login_link(request, uidb64, token):
    """A one-time log-in link. Opening it shows a button (mail scanners open links too);
    pressing it logs the owner in and clears the failed attempts against the account."""
    user = _link_user(uidb64)
    valid = user is not None and login_link_tokens.check_token(user, token)
    if not valid:
        return render(request, "accounts/login_link.html", {"valid": False}, status=400)
    if request.method == "POST":
        login(request, user, backend=BACKEND)
        messages.success(
            request,
            "You are logged in. If you did not cause the failed log-ins, consider changing "
            "your password.",
        )
        return redirect("home")
    return render(request, "accounts/login_link.html", {"valid": True, "email": user.email})


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    http_method_names = PAGE_METHODS
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")
    success_message = "Your password was changed."


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    http_method_names = PAGE_METHODS
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm  # the email goes through the outbox (templates/email/)
    success_url = reverse_lazy("accounts:password-reset-done")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    http_method_names = PAGE_METHODS
    template_name = "accounts/password_reset_done.html"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    http_method_names = PAGE_METHODS

    def dispatch(self, *args, **kwargs):
        # Django's view checks the link before the method: check the method first.
        if self.request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(self.request, *args, **kwargs)
        return super().dispatch(*args, **kwargs)

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    http_method_names = PAGE_METHODS
    template_name = "accounts/password_reset_complete.html"


class ProfileView(SuccessMessageMixin, UpdateView):
    form_class = ProfileForm
    template_name = "accounts/profile.html"
    success_url = reverse_lazy("accounts:profile")
    success_message = "Your profile was saved."
    http_method_names = PAGE_METHODS

    def get_object(self, queryset=None):
        return self.request.user

    def get_preferences(self) -> Preferences:
        """The person's preferences; unsaved defaults (everything on) until the first save."""
        user = self.request.user
        return Preferences.objects.filter(user=user).first() or Preferences(user=user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        preferences = kwargs.get("preferences_form")
        if preferences is None:
            preferences = context["preferences_form"] = PreferencesForm(
                instance=self.get_preferences()
            )
        context["calendar_url"] = calendar.feed_url(preferences.instance.calendar_token)
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        preferences_form = PreferencesForm(request.POST, instance=self.get_preferences())
        if form.is_valid() and preferences_form.is_valid():
            with transaction.atomic():
                preferences_form.save()
                return self.form_valid(form)
        return self.render_to_response(
            self.get_context_data(form=form, preferences_form=preferences_form)
        )


# --- My data ---------------------------------------------------------------------------------


@require_safe
def my_data(request):
    """What the portal holds, the download of all of it, and closing the account."""
    return render(
        request,
        "accounts/my_data.html",
        {
            "plan": services.deletion_plan(request.user),
            "cannot_close": services.can_close(request.user),
            "sections": [s.name.replace("_", " ") for s in mydata.SECTIONS],
        },
    )


@require_safe
def my_data_export(request):
    response = HttpResponse(mydata.export_zip(request.user), content_type="application/zip")
    day = timezone.localdate()
    response["Content-Disposition"] = f'attachment; filename="cec-portal-my-data-{day}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def account_delete(request):
    """Close the account: the page says what is erased and what is kept, asks for the
    password, and for petitions still being decided, an explicit yes."""
    plan = services.deletion_plan(request.user)
    cannot_close = services.can_close(request.user)
    form = AccountDeleteForm(request.POST or None, user=request.user, plan=plan)
    if request.method == "POST" and not cannot_close and form.is_valid():
        try:
            services.delete_account(
                request.user, withdraw_open=form.cleaned_data.get("withdraw_open", False)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(
                request,
                "Your account is closed and your records are erased."
                + (" Approved petitions are kept, anonymised." if plan.keeps_anything else ""),
            )
            return redirect("home")
    return render(
        request,
        "accounts/account_delete.html",
        {"form": form, "plan": plan, "cannot_close": cannot_close},
    )
