def axes_username(request, credentials):
    """The account a login attempt is for, folded as the login form folds it, so that
    `Casey@Example.com` and `casey@example.com` count against the same lockout."""
    source = credentials if credentials else getattr(request, "POST", {})
    return (source.get("username") or "").strip().lower()
