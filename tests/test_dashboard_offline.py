"""The dashboard loads nothing from other servers: its browser-tab icon is drawn locally."""

from __future__ import annotations

import ast

from tests.helpers.paths import ROOT


def _page_icon() -> object:
    tree = ast.parse((ROOT / "dashboards" / "app.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "set_page_config":
            for keyword in node.keywords:
                if keyword.arg == "page_icon":
                    return ast.literal_eval(keyword.value)
    raise AssertionError("dashboards/app.py sets no page_icon")


def test_tab_icon_is_an_emoji_not_a_material_icon_fetched_from_google():
    """Streamlit turns a ":material/name:" tab icon into an fonts.gstatic.com URL; an emoji
    becomes an inline SVG, and a set tab icon keeps the page icons from being used instead."""
    icon = _page_icon()
    assert isinstance(icon, str) and icon
    assert not icon.startswith(":"), icon  # neither ":material/...:" nor an emoji short code
    assert all(ord(char) > 0x2000 for char in icon), icon
