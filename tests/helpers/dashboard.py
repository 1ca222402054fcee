"""Helpers of the dashboard tests: libraries to open and the app to drive."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboards" / "app.py"
TIMEOUT_S = 120


def small_library(path: Path) -> Path:
    """A library with one athlete, two logged cramps and a medication (no device files)."""
    from analyzer.store import Library

    with Library(path) as library:
        library.create_athlete(
            "anna", "Anna K.", timezone="Europe/Berlin", hr_rest_bpm=50, hr_max_bpm=190
        )
        library.add_cramp(
            "anna",
            pd.Timestamp("2024-03-10 01:30", tz="UTC"),
            "calf",
            side="left",
            severity_0_10=6,
            duration_s=90,
            context="night",
            relief="stretching",
        )
        library.add_cramp(
            "anna",
            pd.Timestamp("2024-03-20 15:00", tz="UTC"),
            "hamstring",
            side="right",
            severity_0_10=8,
            duration_s=30,
            context="exercise",
        )
        library.add_medication(
            "anna", "hydrochlorothiazide", kind="medication", start_date="2024-03-01"
        )
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


def simulated_fit() -> tuple[str, bytes]:
    """A FIT activity file of a simulated run in June 2024 (before the demo squad, so never already
    in the demo library, and not in the future, which the FIT reader refuses)."""
    import datetime as dt

    from analyzer.simulate.athletes import RUNNER
    from analyzer.simulate.history import simulate_athlete
    from analyzer.simulate.writers import activity_fit

    history = simulate_athlete(RUNNER, dt.date(2024, 6, 1), 10, seed=7)
    data, _ = activity_fit(history.sessions.iloc[0], RUNNER, 3600)
    return "morning_run_2024-06-01.fit", data


def demo_available() -> bool:
    """True when ``sample_data/`` holds the demo squad."""
    return (ROOT / "sample_data" / "athletes.csv").is_file()


#: The demo squad trimmed for tests: these athletes, their last ``MINI_DEMO_DAYS`` days of files.
MINI_DEMO_ATHLETES = ("runner-anna", "masters-bernd")
MINI_DEMO_DAYS = 30


def mini_sample_data(dest: Path, athletes=MINI_DEMO_ATHLETES, days: int = MINI_DEMO_DAYS) -> Path:
    """A copy of ``sample_data/`` with a few athletes and only their last ``days`` days of files.

    Building the whole demo library imports a few thousand files (minutes);
    the dashboard tests need the same shapes of data, not all of it. File names
    start with their local date (``2026-03-31_...``); the cramp and medication
    logs are copied whole.
    """
    import datetime as dt

    source = ROOT / "sample_data"
    dest.mkdir(parents=True, exist_ok=True)
    roster = (source / "athletes.csv").read_text(encoding="utf-8").splitlines()
    kept = [roster[0]] + [line for line in roster[1:] if line.split(",", 1)[0] in athletes]
    (dest / "athletes.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    for athlete in athletes:
        files = [f for f in (source / athlete).rglob("*") if f.is_file()]
        dated = {f: dt.date.fromisoformat(f.name[:10]) for f in files if f.name[:4].isdigit()}
        last = max(dated.values())
        for f in files:
            if f.suffix == ".json" or (f in dated and (last - dated[f]).days >= days):
                continue
            target = dest / f.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, target)
    return dest


_BUILT: dict[str, Path] = {}


def mini_demo_library(folder: Path) -> Path:
    """The trimmed demo library, built once per test process (every module shares it; read-only)."""
    if "demo" not in _BUILT:
        from analyzer.store.demo import build_demo_library

        library = folder / "demo.sqlite"
        build_demo_library(library, mini_sample_data(folder / "sample_data"))
        _BUILT["demo"] = library
    return _BUILT["demo"]


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory) -> Path:
    """The trimmed demo library (:func:`mini_demo_library`); tests use copies (``demo_user``)."""
    if not demo_available():
        pytest.skip("sample_data/ holds no demo squad (athletes.csv)")
    return mini_demo_library(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def demo_user(demo_file, tmp_path, monkeypatch) -> Path:
    """A user on first start (no library of their own) whose demo library is a fresh copy."""
    copy = tmp_path / "demo-library.sqlite"
    shutil.copyfile(demo_file, copy)
    monkeypatch.delenv("CRAMP_ANALYZER_LIBRARY", raising=False)
    monkeypatch.setenv("CRAMP_ANALYZER_DEMO_LIBRARY", str(copy))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return copy


def charts(at: AppTest) -> list[dict]:
    """The plotly figures the page drew, as JSON (AppTest does not type plotly charts)."""
    import json

    return [json.loads(element.proto.spec) for element in at.get("plotly_chart")]


def assert_valid_figure(figure) -> None:
    """Re-create the figure with plotly's full validation (builders skip it for speed)."""
    import plotly.graph_objects as go

    go.Figure(figure.to_dict())  # raises ValueError on any invalid property
