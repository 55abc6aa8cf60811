from functools import wraps

from django.core.exceptions import PermissionDenied

from .roles import (
    RESOLVE_DISPUTES,
    REVIEW_COURSES,
    REVIEW_PETITIONS,
    VIEW_PROFESSIONALS,
    is_provider_staff,
)


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


def permission_required(perm):
    """403 unless the user holds `perm` (through a group or granted to them directly)."""
    return _require(lambda user: user.has_perm(perm))


petition_reviewer_required = permission_required(REVIEW_PETITIONS)
course_reviewer_required = permission_required(REVIEW_COURSES)
professionals_viewer_required = permission_required(VIEW_PROFESSIONALS)
dispute_resolver_required = permission_required(RESOLVE_DISPUTES)
provider_staff_required = _require(is_provider_staff)
