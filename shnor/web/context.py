from __future__ import annotations


def navigation(request):
    """The role-dependent menu; filled in by shnor.web.nav."""
    from shnor.web.nav import menu_for

    return {"nav_menu": menu_for(request.user) if getattr(request, "user", None) else []}
