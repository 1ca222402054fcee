"""Helpers of the dashboard tests: libraries to open and the app to drive."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboards" / "app.py"
TIMEOUT_S = 120


def small_library(path: Path) -> Path:
    """A library with one athlete, two logged cramps and a medication (no device files)."""
    from analyzer.store import Library

    with Library(path) as library:
        library.create_athlete("anna", "Anna K.", timezone="Europe/Berlin", hr_rest_bpm=50, hr_max_bpm=190)
        library.add_cramp("anna", pd.Timestamp("2024-03-10 01:30", tz="UTC"), "calf", side="left",
                          severity_0_10=6, duration_s=90, context="night", relief="stretching")
        library.add_cramp("anna", pd.Timestamp("2024-03-20 15:00", tz="UTC"), "hamstring", side="right",
                          severity_0_10=8, duration_s=30, context="exercise")
        library.add_medication("anna", "hydrochlorothiazide", kind="medication", start_date="2024-03-01")
    return path


def app(page: str | None = None) -> AppTest:
    """Run the app (and switch to ``page``, a script name in ``dashboards/app_pages``)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    if page is not None and not at.exception:
        at.switch_page(f"app_pages/{page}").run()
    return at


def errors(at: AppTest) -> list[str]:
    """Exception messages and their stack traces, for assertion messages."""
    return [f"{e.message}\n{''.join(e.stack_trace)}" for e in at.exception]


def frames_with(at: AppTest, column: str) -> list[pd.DataFrame]:
    """The page's tables (st.dataframe values) that have ``column``."""
    return [df.value for df in at.dataframe if column in df.value.columns]
