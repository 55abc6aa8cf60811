from django.contrib.auth.mixins import UserPassesTestMixin

from .roles import is_provider_staff, is_reviewer


class ReviewerRequiredMixin(UserPassesTestMixin):
    """Reviewers and admins only; anyone else signed in gets 403."""

    def test_func(self):
        return is_reviewer(self.request.user)


class ProviderStaffRequiredMixin(UserPassesTestMixin):
    """Staff of a provider organisation only; the view then scopes to request.user.provider."""

    def test_func(self):
        return is_provider_staff(self.request.user)
