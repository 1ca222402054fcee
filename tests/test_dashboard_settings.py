"""The Settings page shows each physiology value with its source; set > estimated > default."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.store import Library
from dashboards.settings_forms import widget_key
from tests.helpers.dashboard import app, errors, frames_with
from tests.helpers.hr_streams import training_block
from tests.helpers.library import library_from_tables


@pytest.fixture
def newcomer_library(tmp_path, monkeypatch):
    """A user's own library: one athlete who set nothing, 12 runs with HR streams."""
    acts, samples = training_block(np.random.default_rng(3), 192.0, 52.0, n_sessions=12)
    path = library_from_tables(
        tmp_path / "own.sqlite", "newbie", {}, {"activities": acts, "samples": samples}
    )
    monkeypatch.setenv("CRAMP_ANALYZER_LIBRARY", str(path))
    return path


def _in_use(at) -> dict:
    (table,) = frames_with(at, "source")
    return dict(zip(table["setting"], zip(table["value"], table["source"])))


def test_estimated_then_set_then_estimated_again(newcomer_library):
    at = app("settings.py")
    assert not at.exception, errors(at)
    value, source = _in_use(at)["Maximum heart rate"]
    assert source.startswith("estimated from the heart rate held 5 s or more of 12 sessions")
    estimated = float(value.split()[0])
    assert 189 <= estimated <= 193
    assert _in_use(at)["Functional threshold power"] == (
        "not known",
        "default: not known (needs a session with 20 minutes of power; or set it)",
    )
    assert any("What is missing or estimated" in i.value for i in at.info)
    assert any("In use: **" in c.value and "estimated from" in c.value for c in at.caption)

    assert at.checkbox(key=widget_key("newbie", "auto_hr_max_bpm")).value is True
    at.number_input(key=widget_key("newbie", "hr_max_bpm")).set_value(200.0)
    at.checkbox(key=widget_key("newbie", "auto_hr_max_bpm")).uncheck()
    at.button(key="FormSubmitter:physiology_newbie-Save physiology").click().run()
    assert not at.exception, errors(at)
    with Library(newcomer_library) as lib:
        assert lib.athlete("newbie")["hr_max_bpm"] == 200.0
    at = app("settings.py")
    assert _in_use(at)["Maximum heart rate"] == ("200 bpm", "set by you")

    assert at.checkbox(key=widget_key("newbie", "auto_hr_max_bpm")).value is False
    at.checkbox(key=widget_key("newbie", "auto_hr_max_bpm")).check()
    at.button(key="FormSubmitter:physiology_newbie-Save physiology").click().run()
    assert not at.exception, errors(at)
    with Library(newcomer_library) as lib:
        assert lib.athlete("newbie")["hr_max_bpm"] is None
    at = app("settings.py")
    assert _in_use(at)["Maximum heart rate"] == (value, source)


def test_overview_says_what_is_missing(newcomer_library):
    at = app("overview.py")
    assert not at.exception, errors(at)
    (notes,) = [i.value for i in at.info if "What is missing or estimated" in i.value]
    assert "No nights are imported" in notes and "No time zone is set" in notes


@pytest.mark.parametrize("page", ["cramps.py", "report.py", "session.py"])
def test_results_pages_say_what_is_missing(newcomer_library, page):
    at = app(page)
    assert not at.exception, errors(at)
    assert any("What is missing or estimated" in i.value for i in at.info), page


def test_team_lists_what_is_missing_per_athlete(newcomer_library):
    at = app("team.py")
    assert not at.exception, errors(at)
    assert any("No time zone is set" in m.value for m in at.markdown)


def test_a_default_time_zone_stays_one_until_unticked(tmp_path, monkeypatch):
    acts, samples = training_block(np.random.default_rng(3), 192.0, 52.0, n_sessions=2)
    physiology = {"timezone": "Europe/Berlin", "timezone_origin": "computer"}
    path = library_from_tables(
        tmp_path / "own.sqlite", "newbie", physiology, {"activities": acts, "samples": samples}
    )
    monkeypatch.setenv("CRAMP_ANALYZER_LIBRARY", str(path))
    save = "FormSubmitter:physiology_newbie-Save physiology"
    at = app("settings.py")
    assert not at.exception, errors(at)
    value, source = _in_use(at)["Time zone"]
    assert value == "Europe/Berlin"
    assert source.startswith("default: this computer's time zone when the athlete was created")
    assert any("No time zone is set by you" in i.value for i in at.info)

    assert at.checkbox(key=widget_key("newbie", "default_timezone")).value is True
    at.number_input(key=widget_key("newbie", "sleep_need_h")).set_value(7.5)
    at.checkbox(key=widget_key("newbie", "auto_sleep_need_h")).uncheck()
    at.button(key=save).click().run()
    assert not at.exception, errors(at)
    at = app("settings.py")
    assert _in_use(at)["Sleep need"] == ("7.5 h/night", "set by you")
    assert _in_use(at)["Time zone"] == (value, source)  # saving other values keeps the default

    at.checkbox(key=widget_key("newbie", "default_timezone")).uncheck()
    at.button(key=save).click().run()
    assert not at.exception, errors(at)
    at = app("settings.py")
    assert _in_use(at)["Time zone"] == ("Europe/Berlin", "set by you")
    assert widget_key("newbie", "default_timezone") not in [box.key for box in at.checkbox]
    with Library(path) as lib:
        assert lib.athlete("newbie")["timezone_origin"] is None


@pytest.mark.slow
def test_switching_athletes_shows_and_saves_the_new_athletes_own_values(demo_user):
    at = app("settings.py")
    assert not at.exception, errors(at)
    sidebar = at.sidebar.selectbox(key="athlete")
    first = sidebar.value
    sidebar.select_index(1 if sidebar.index == 0 else 0).run()
    other = at.sidebar.selectbox(key="athlete").value
    assert other != first
    with Library(demo_user) as lib:
        names = {a: lib.athlete(a)["display_name"] for a in (first, other)}
        zone = lib.athlete(other)["timezone"]
    assert at.text_input(key=widget_key(other, "display_name")).value == names[other]
    at.button(key=f"FormSubmitter:physiology_{other}-Save physiology").click().run()
    assert not at.exception, errors(at)
    with Library(demo_user) as lib:  # nothing of the first athlete went into the second
        assert lib.athlete(other)["display_name"] == names[other]
        assert lib.athlete(other)["timezone"] == zone
