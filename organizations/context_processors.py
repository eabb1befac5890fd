from organizations.scoping import get_scope


def scope(request):
    """Expose the user's unit scope to templates lazily (menus differ per role)."""
    return {"unit_scope": lambda: get_scope(getattr(request, "user", None))}
