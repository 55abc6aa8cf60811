"""Provider staff manage their provider's API tokens: create (the secret is shown once, in the
answer to the creating request, never stored), see when each was last used, revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import provider_staff_required
from catalog.views import form_errors

from . import services
from .forms import TokenForm
from .models import ApiToken


@provider_staff_required
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def token_list(request):
    provider = request.user.provider
    form = TokenForm(request.POST if request.method == "POST" else None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.token_create(
                provider=provider, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors(form, error)  # on its field where the service names one
        else:
            form = TokenForm()
    tokens = ApiToken.objects.of(provider.pk).select_related("created_by", "revoked_by")
    return render(
        request,
        "api/tokens.html",
        {
            "provider": provider,
            "form": form,
            "tokens": tokens,
            "created": created,
            "secret": secret,
            "docs_url": reverse("api-v1:openapi-view"),
        },
    )


@provider_staff_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.of(request.user.provider_id), pk=pk)
    services.token_revoke(token=token, by=request.user)
    messages.success(request, f"The token “{token.name}” is revoked: calls made with it fail now.")
    return redirect("api:tokens")
