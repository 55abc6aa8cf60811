from .roles import REVIEWER_PERMISSIONS, is_admin, is_provider_staff, is_reviewer


def roles(request):
    """Which menus to show; each page checks its own permission (`perms` in templates).

    `menu_key` names the menus shown (the roles, and the reviewer's items one by one): the
    page header is cached by it and `user_email`, the address it shows (a page cached whole
    puts a hole in its place: cecportal.holes)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "is_provider_staff": False,
            "is_reviewer": False,
            "is_site_admin": False,
            "menu_key": "anonymous",
            "user_email": "",
        }
    flags = {
        "is_provider_staff": is_provider_staff(user),
        "is_reviewer": is_reviewer(user),
        "is_site_admin": is_admin(user),
    }
    items = "".join("1" if user.has_perm(p) else "0" for p in REVIEWER_PERMISSIONS)
    shown = "".join("1" if value else "0" for value in flags.values())
    return {
        **flags,
        "menu_key": f"{shown}:{items if flags['is_reviewer'] else ''}",
        "user_email": user.email,
    }
