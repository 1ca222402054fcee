"""AppTest: every page renders without exceptions and draws what it should.

On the demo library (the first-start experience), on a user's own small
library without device data, and on a machine where the demo library must
first be built from the sample data.
"""

from __future__ import annotations

import shutil

import pytest

from analyzer.figures.team import PER_100H
from dashboards.app_pages import PAGE_FILES
from tests.helpers.dashboard import (
    MINI_DEMO_ATHLETES,
    ROOT,
    app,
    charts,
    errors,
    frames_with,
    small_library,
)  # noqa: F401

#: How a findings summary opens (bold, as the Cramps and Team pages show it).
SUMMARY_OPENERS = ("**What stands out", "**Nothing stands out", "**Too few cramps")


@pytest.fixture
def own_library(tmp_path, monkeypatch):
    """A user whose own library holds one athlete with logged cramps and no device data."""
    path = small_library(tmp_path / "own.sqlite")
    monkeypatch.setenv("CRAMP_ANALYZER_LIBRARY", str(path))
    return path


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_renders_on_a_small_library(own_library, page):
    at = app(page)
    assert not at.exception, errors(at)
    assert at.title, f"{page} drew no title"
    assert at.sidebar.selectbox(key="athlete").value == "anna"


@pytest.mark.slow
def test_overview_on_the_demo_draws_the_timeline_and_says_how_to_add_data(demo_user):
    at = app()
    assert not at.exception, errors(at)
    assert any("demo squad" in i.value and "Import" in i.value for i in at.info)
    (timeline,) = charts(at)
    names = {trace.get("name") for trace in timeline["data"]}
    assert {"Daily load", "Fitness (CTL)", "Cramps"} <= names
    assert frames_with(at, "load [a.u.]") and frames_with(at, "muscle")


@pytest.mark.slow
def test_cramps_on_the_demo_draws_findings_epochs_and_heat_map(demo_user):
    at = app("cramps.py")
    assert not at.exception, errors(at)
    figures = charts(at)
    kinds = [{trace["type"] for trace in fig["data"]} for fig in figures]
    assert len(figures) >= 3
    assert "heatmap" in set().union(*kinds)
    assert frames_with(at, "estimate [ratio]") and frames_with(at, "muscle")
    # The page opens with the summary: what stands out, that nothing does, or why nothing can
    # be compared (the trimmed demo keeps 30 days of device data and the whole cramp log).
    assert at.markdown[0].value.startswith(SUMMARY_OPENERS), at.markdown[0].value


@pytest.mark.slow
def test_session_on_the_demo_draws_streams(demo_user):
    at = app("session.py")
    assert not at.exception, errors(at)
    streams = charts(at)[0]
    titles = [v["title"]["text"] for k, v in streams["layout"].items() if k.startswith("yaxis")]
    assert any("heart rate" in t for t in titles)
    assert frames_with(at, "elapsed_min")


@pytest.mark.slow
def test_team_on_the_demo_draws_roster_comparison_and_squad_findings(demo_user):
    at = app("team.py")
    assert not at.exception, errors(at)
    (roster,) = frames_with(at, PER_100H)
    assert len(roster) == len(MINI_DEMO_ATHLETES)
    assert len(charts(at)) == 2
    assert at.markdown[0].value.startswith(SUMMARY_OPENERS), at.markdown[0].value
    assert "summary" in roster.columns


@pytest.mark.slow
@pytest.mark.parametrize("page", ["log.py", "import_files.py", "settings.py", "report.py"])
def test_other_pages_render_on_the_demo(demo_user, page):
    at = app(page)
    assert not at.exception, errors(at)
    assert at.title


def test_first_start_builds_the_demo_library_from_sample_data(tmp_path, monkeypatch):
    """No library at all: the app builds one from the sample data and opens on it."""
    if not (ROOT / "sample_data" / "athletes.csv").is_file():
        pytest.skip("sample_data/ holds no demo squad yet")
    samples = tmp_path / "sample_data"
    (samples / "runner-anna").mkdir(parents=True)
    roster = (ROOT / "sample_data" / "athletes.csv").read_text(encoding="utf-8").splitlines()
    (samples / "athletes.csv").write_text("\n".join(roster[:2]) + "\n", encoding="utf-8")
    shutil.copy(ROOT / "sample_data" / "runner-anna" / "cramps.csv", samples / "runner-anna")
    monkeypatch.setenv("CRAMP_ANALYZER_SAMPLE_DATA", str(samples))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("CRAMP_ANALYZER_LIBRARY", raising=False)
    monkeypatch.delenv("CRAMP_ANALYZER_DEMO_LIBRARY", raising=False)
    at = app()
    assert not at.exception, errors(at)
    assert (tmp_path / "xdg" / "cramp-analyzer" / "demo" / "demo-library.sqlite").is_file()
    assert at.sidebar.selectbox(key="athlete").value == "runner-anna"
    assert any("demo squad" in i.value for i in at.info)


@pytest.mark.slow
def test_report_on_the_demo_offers_html_and_markdown(demo_user):
    at = app("report.py")
    assert not at.exception, errors(at)
    assert not [i for i in at.info if "not available yet" in i.value]
    downloads = [e for e in at.get("download_button")]
    assert len(downloads) >= 3


@pytest.mark.slow
def test_a_convention_chosen_in_settings_changes_the_overview(demo_user):
    at = app("settings.py")
    at.selectbox(key="conv_acwr_variant").set_value("acwr_rolling_uncoupled")
    at.selectbox(key="conv_pmc_alpha").set_value("inverse")
    at.button(key="FormSubmitter:conventions-Apply").click().run()
    assert not at.exception, errors(at)
    assert any("Applied" in s.value for s in at.success)
    at.switch_page("app_pages/overview.py").run()
    assert not at.exception, errors(at)
    names = {trace.get("name") for trace in charts(at)[0]["data"]}
    assert "ACWR (rolling, uncoupled)" in names and "ACWR (EWMA)" not in names


def test_settings_labels_conventions_in_plain_words(own_library):
    from analyzer.indicators.params import IndicatorParams
    from analyzer.parameters import describe

    at = app("settings.py")
    assert not at.exception, errors(at)
    alpha = at.selectbox(key="conv_pmc_alpha")
    assert alpha.label == "Fitness and fatigue smoothing"
    assert alpha.options == ["1 − e^(−1/τ) (GoldenCheetah)", "1/τ (TrainingPeaks)"]
    assert at.number_input(key="conv_ctl_tau_d").label == "Fitness (CTL) time constant [days]"
    offered = {w.label for w in at.selectbox} | {w.label for w in at.number_input}
    assert not {f for f in offered if "_" in f}, "an identifier is shown as a label"
    (table,) = frames_with(at, "what it does")
    assert list(table["parameter"]) == [i.label for i in describe(IndicatorParams())]
