"""Template lookup: the tenant's theme first, then its parents; `~` means the next theme down."""

from __future__ import annotations

import pytest
from jinja2 import TemplateNotFound

from tests.themes.helpers import update_tenant
from themes.loader import ThemeLoader
from themes.registry import THEMES, theme_chain


def _source_file(app, name: str) -> str:  # type: ignore[no-untyped-def]
    _source, filename, _uptodate = ThemeLoader().get_source(app.jinja_env, name)
    return filename.replace("\\", "/")


def test_harbor_inherits_from_default():
    assert [theme.key for theme in theme_chain("harbor")] == ["harbor", "default"]
    assert THEMES["harbor"].parent == "default"


def test_overridden_template_comes_from_the_theme_then_falls_back(app):
    assert _source_file(app, "@harbor/base.html").endswith("themes/harbor/templates/base.html")
    assert _source_file(app, "@harbor/access/layout.html").endswith(
        "themes/harbor/templates/access/layout.html"
    )
    # Not overridden by harbor: the default theme's file.
    assert _source_file(app, "@harbor/access/sign_in.html").endswith(
        "themes/default/templates/access/sign_in.html"
    )
    # `~` skips harbor itself: the template harbor's base.html extends.
    assert _source_file(app, "@harbor~/base.html").endswith("themes/default/templates/base.html")
    with pytest.raises(TemplateNotFound):
        _source_file(app, "@default~/base.html")
    with pytest.raises(TemplateNotFound):
        _source_file(app, "@harbor/../../portal/app.py")


def test_unknown_theme_falls_back_to_default(app):
    assert _source_file(app, "@nosuch/base.html").endswith("themes/default/templates/base.html")


def test_rendered_pages_follow_the_tenants_theme(portal, tenant):
    classic = portal.get("/sign-in").get_data(as_text=True)
    assert "/_themes/default/portal.css" in classic and "harbor.css" not in classic
    assert "Forgot your password?" in classic  # access/sign_in.html from default

    update_tenant(tenant.id, theme="harbor")
    harbor = portal.get("/sign-in").get_data(as_text=True)
    # harbor's access/layout.html, default's sign_in.html, and harbor's base.html extending
    # the default base (`~base.html`), which links portal.css and sets the brand variables.
    assert 'class="signin-hero"' in harbor
    assert "Forgot your password?" in harbor
    assert "/_themes/harbor/harbor.css" in harbor
    assert "/_themes/harbor/portal.css" in harbor
    assert ":root{--brand:#1f4e79;" in harbor


def test_theme_static_walks_the_chain(portal):
    def status(path: str) -> int:
        response = portal.get(path)
        response.close()  # send_file responses hold the file open until closed
        return response.status_code

    assert status("/_themes/harbor/harbor.css") == 200
    assert status("/_themes/harbor/portal.css") == 200  # from default
    assert status("/_themes/default/harbor.css") == 404
    assert status("/_themes/harbor/icons/folder.svg") == 200
