from functools import wraps

from django.core.exceptions import PermissionDenied

from .roles import is_provider_staff, is_reviewer


def _require(predicate):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            # LoginRequiredMiddleware has already sent anonymous visitors to log in.
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


reviewer_required = _require(is_reviewer)
provider_staff_required = _require(is_provider_staff)
