"""The forms the fuzz test (`tests/test_fuzz.py`) attacks: every form of the site, posted to its
page as the role that uses it. A new form joins with one line:

    Target("app:url-name", "role", lambda w: TheForm(...)),

`form` builds the form as its page does (the test reads its fields and their types from it);
the URL's arguments come from the access tables (`tests/<app>/access.py`) unless `kwargs` says
otherwise; `extra` adds fixed fields (a formset's management form). The shared objects `w` are
the access walk's (`tests/test_access.py::world`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm

from accounts import forms as accounts_forms
from accounts import services as accounts_services
from catalog import forms as catalog_forms
from petitions import forms as petitions_forms
from tracker import forms as tracker_forms
from tracker import selectors
from tracker.reviewer_views import LapsingFilterForm


@dataclass(frozen=True)
class Target:
    url: str
    role: str
    form: Callable
    kwargs: Callable | None = None
    method: str = "post"
    extra: Callable | None = None

    @property
    def id(self) -> str:
        return f"{self.method}-{self.url}" + (f"-{self.kind}" if self.kind else "")

    @property
    def kind(self) -> str:
        return getattr(self.kwargs, "kind", "")


def _kind(slug):
    def kwargs(w):
        return {"kind": slug}

    kwargs.kind = slug
    return kwargs


def _activity(slug):
    def form(w):
        view = selectors.snapshot(w.professional)
        return tracker_forms.ActivityForm(
            kind=tracker_forms.ACTIVITY_KINDS[slug], user=w.professional, view=view
        )

    return form


def _sessions(w):
    return {
        "sessions-TOTAL_FORMS": "1",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "100",
    }


def _course(w):
    return {"pk": w.own_pending.pk}


TARGETS = [
    # accounts
    Target("accounts:signup", "anonymous", lambda w: accounts_forms.SignUpForm()),
    Target("accounts:login", "anonymous", lambda w: accounts_forms.EmailLoginForm()),
    Target(
        "accounts:login-link-request", "anonymous", lambda w: accounts_forms.LoginLinkRequestForm()
    ),
    Target("accounts:profile", "professional", lambda w: accounts_forms.ProfileForm()),
    Target(
        "accounts:password-change", "professional", lambda w: PasswordChangeForm(w.professional)
    ),
    Target("accounts:password-reset", "anonymous", lambda w: PasswordResetForm()),
    Target(
        "accounts:account-delete",
        "professional",
        lambda w: accounts_forms.AccountDeleteForm(
            user=w.professional, plan=accounts_services.deletion_plan(w.professional)
        ),
    ),
    # catalog
    Target(
        "catalog:course-list",
        "anonymous",
        lambda w: catalog_forms.CatalogSearchForm(),
        method="get",
    ),
    Target(
        "catalog:provider-course-create",
        "provider_staff",
        lambda w: catalog_forms.CourseRegistrationForm(),
        extra=_sessions,
    ),
    Target(
        "catalog:provider-course-edit",
        "provider_staff",
        lambda w: catalog_forms.CourseRegistrationForm(),
        kwargs=_course,
        extra=_sessions,
    ),
    Target(
        "catalog:review-approve", "reviewer", lambda w: catalog_forms.ApproveForm(), kwargs=_course
    ),
    Target(
        "catalog:review-reject", "reviewer", lambda w: catalog_forms.RejectForm(), kwargs=_course
    ),
    Target(
        "catalog:review-approval-add",
        "reviewer",
        lambda w: catalog_forms.CourseApprovalForm(),
        kwargs=lambda w: {"pk": w.course.pk},
    ),
    Target("catalog:provider-list", "reviewer", lambda w: catalog_forms.ProviderForm()),
    Target("catalog:provider-detail", "reviewer", lambda w: catalog_forms.StaffForm()),
    Target("catalog:import-upload", "reviewer", lambda w: catalog_forms.ImportUploadForm()),
    # tracker
    Target("tracker:credit-add", "professional", lambda w: tracker_forms.CourseCreditForm()),
    Target(
        "tracker:activity-add", "professional", _activity("presenting"), kwargs=_kind("presenting")
    ),
    Target("tracker:activity-add", "professional", _activity("college"), kwargs=_kind("college")),
    Target("tracker:activity-add", "professional", _activity("cpr-aed"), kwargs=_kind("cpr-aed")),
    Target(
        "tracker:certification-add", "professional", lambda w: tracker_forms.CertificationForm()
    ),
    Target("tracker:cpr-card-add", "professional", lambda w: tracker_forms.CprCardForm()),
    Target(
        "tracker:entry-edit",
        "professional",
        lambda w: tracker_forms.EntryEditForm(entry=w.entry),
        kwargs=lambda w: {"pk": w.entry.pk},
    ),
    Target(
        "tracker:cycle-record-renewal", "professional", lambda w: tracker_forms.RenewalRecordForm()
    ),
    Target(
        "tracker:lapsing", "reviewer", lambda w: LapsingFilterForm({}, certifiers={}), method="get"
    ),
    Target(
        "tracker:professionals",
        "reviewer",
        lambda w: tracker_forms.ProfessionalSearchForm(),
        method="get",
    ),
    Target(
        "tracker:professional",
        "reviewer",
        lambda w: tracker_forms.StaffEntryForm(
            user=w.professional, view=selectors.snapshot(w.professional)
        ),
        kwargs=lambda w: {"pk": w.professional.pk},
    ),
    Target("tracker:reading-start", "professional", lambda w: tracker_forms.ReadCertificateForm()),
    # petitions
    Target(
        "petitions:new", "professional", lambda w: petitions_forms.PetitionForm(user=w.professional)
    ),
    Target(
        "petitions:preview",
        "professional",
        lambda w: petitions_forms.PetitionForm(user=w.professional, preview=True),
        method="get",
    ),
    Target("petitions:withdraw", "professional", lambda w: petitions_forms.WithdrawForm()),
    Target("petitions:respond", "professional", lambda w: petitions_forms.RespondForm()),
    Target("petitions:approve", "reviewer", lambda w: petitions_forms.ApproveForm()),
    Target("petitions:deny", "reviewer", lambda w: petitions_forms.DenyForm()),
    Target("petitions:request-info", "reviewer", lambda w: petitions_forms.RequestInfoForm()),
    Target(
        "petitions:queue", "reviewer", lambda w: petitions_forms.QueueFilterForm(), method="get"
    ),
]
