from .roles import is_admin, is_provider_staff, is_reviewer


def roles(request):
    """Which menus to show; each page checks its own permission (`perms` in templates)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_provider_staff": False, "is_reviewer": False, "is_site_admin": False}
    return {
        "is_provider_staff": is_provider_staff(user),
        "is_reviewer": is_reviewer(user),
        "is_site_admin": is_admin(user),
    }
