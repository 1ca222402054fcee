"""Entry point of the dashboard: ``streamlit run dashboards/app.py``.

The router and frame only: it sets the page, draws the shared sidebar
(library, athlete, date range) and hands over to the pages in
``dashboards/app_pages``. Pages stay thin; all analysis lives in ``analyzer``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# Running as a script from a source checkout: make ``analyzer`` and ``dashboards`` importable.
_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from dashboards.app_pages import pages  # noqa: E402
from dashboards.sidebar import build_context  # noqa: E402
from dashboards.ui import set_context  # noqa: E402

# The tab icon is an emoji, which the browser draws itself: a ":material/...:" tab icon makes
# it fetch an image from Google's font server on every page load (a leak for a health app,
# and a failure offline). The icons of the page list come from Streamlit's own bundled font.
st.set_page_config(page_title="Cramp pattern analyser", page_icon="💪", layout="wide")
page = st.navigation(pages())
set_context(build_context())
page.run()
