"""What the results lack, in words, with how to supply it.

Missing is never shown as zero, and it is never left unexplained: :func:`data_notes` reads an
athlete's session and daily tables and resolved settings and says which results are missing
or rest on estimates, and what the athlete can import or set to change that. The report, the
``features`` command and the dashboard pages show the same sentences.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analyzer.indicators.athlete_settings import SETTING_LABELS
from analyzer.indicators.plausible import dropped_power_note

_PHYSIOLOGY = ("hr_rest_bpm", "hr_max_bpm", "lthr_bpm", "ftp_w")


def set_command(athlete_id: str, names: list[str]) -> str:
    """The ``cramp-analyzer athlete`` command line that sets ``names`` (``VALUE`` placeholders)."""
    sets = " ".join(f"--set {name}=VALUE" for name in names)
    return f"`cramp-analyzer athlete --athlete {athlete_id} {sets}`"


def _how_to_set(athlete_id: str, names: list[str]) -> str:
    return f"set them on the Settings page or with {set_command(athlete_id, names)}"


def _numbers(daily: pd.DataFrame, column: str) -> np.ndarray:
    if daily is None or column not in daily.columns:
        return np.full(0 if daily is None else len(daily), np.nan)
    return pd.to_numeric(daily[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _value_text(name: str, value) -> str:
    unit = SETTING_LABELS[name][1]
    number = f"{value:g}" if isinstance(value, float | int) else str(value)
    return f"{SETTING_LABELS[name][0].lower()} {number} {unit}".strip()


def _load_notes(athlete_id: str, daily: pd.DataFrame, settings: Mapping) -> list[str]:
    sessions = _numbers(daily, "session_count")
    training = np.nan_to_num(sessions) > 0
    if not training.any():
        return [
            "No training sessions are imported, so there is no load, fitness, fatigue or form: "
            "import activity files (FIT) or an activity list (Garmin Connect, Strava, WHOOP)."
        ]
    unknown = training & ~np.isfinite(_numbers(daily, "load"))
    if not unknown.any():
        return []
    count = f"Load is missing on {int(unknown.sum())} of {int(training.sum())} training days"
    lacking = [n for n in ("hr_rest_bpm", "hr_max_bpm") if settings[n]["value"] is None]
    if lacking:
        return [
            f"{count}: a load from heart rate needs your resting and maximum heart rate, which "
            "could not be estimated from your data; " + _how_to_set(athlete_id, lacking) + "."
        ]
    return [
        f"{count}: their sessions hold no heart rate, power or RPE. Fitness, fatigue and form "
        "carry over those days without a value (never as a rest day); record heart rate or "
        "log an RPE to fill them."
    ]


def _estimate_notes(athlete_id: str, daily: pd.DataFrame, settings: Mapping) -> list[str]:
    unset = [
        n
        for n in _PHYSIOLOGY
        if settings[n]["value"] is not None and not settings[n]["source"].startswith("set")
    ]
    if not unset or not np.isfinite(_numbers(daily, "load")).any():
        return []
    kinds = {n: settings[n]["source"].split(" ")[0].rstrip(":") for n in unset}
    values = ", ".join(f"{_value_text(n, settings[n]['value'])} ({kinds[n]})" for n in unset)
    return [
        f"The load rests on values you have not set: {values}; "
        f"`cramp-analyzer athlete --athlete {athlete_id}` or the Settings page shows what each "
        "rests on. If you know yours, " + _how_to_set(athlete_id, unset) + ": the load follows."
    ]


def _other_notes(athlete_id: str, daily: pd.DataFrame, settings: Mapping) -> list[str]:
    notes = []
    if (
        daily is not None
        and len(daily)
        and not np.isfinite(_numbers(daily, "sleep_asleep_min")).any()
    ):
        notes.append(
            "No nights are imported, so sleep, sleep debt and short nights are missing: import "
            "sleep data (FIT sleep files, Garmin, WHOOP, Oura, Fitbit or Apple Health exports)."
        )
    if daily is not None and len(daily):
        no_rhr = not np.isfinite(_numbers(daily, "resting_hr_bpm")).any()
        no_hrv = not np.isfinite(_numbers(daily, "hrv_rmssd_ms")).any()
        if no_rhr or no_hrv:
            what = " and ".join(
                w for w, none in (("resting heart rate", no_rhr), ("HRV", no_hrv)) if none
            )
            notes.append(
                f"No daily {what} {'are' if no_rhr and no_hrv else 'is'} imported, so "
                f"{'their baselines are' if no_rhr and no_hrv else 'its baseline is'} missing: "
                "import daily wellness data (Garmin wellness or HRV status files, WHOOP cycles, "
                "Oura, Fitbit)."
            )
    zone = settings["timezone"]
    if zone["source"].startswith("default"):
        notes.append(
            f"No time zone is set by you: local days and nights use {zone['value'] or 'UTC'} "
            "(the default); "
            + f"set yours on the Settings page or with {set_command(athlete_id, ['timezone'])}."
        )
    return notes


def _quality_notes(sessions: pd.DataFrame | None) -> list[str]:
    dropped = _numbers(sessions, "dropped_power_readings")
    affected = np.nan_to_num(dropped) > 0
    if not affected.any():
        return []
    dates = sorted({str(d) for d in sessions.loc[affected, "local_date"].dropna()})
    shown = ", ".join(dates[:3]) + (", …" if len(dates) > 3 else "")
    n = int(affected.sum())
    where = f" in {n} {'session' if n == 1 else 'sessions'}" + (f" ({shown})" if dates else "")
    return [dropped_power_note(int(np.nansum(dropped)), where)]


def data_notes(
    athlete_id: str,
    daily: pd.DataFrame | None,
    settings: Mapping,
    sessions: pd.DataFrame | None = None,
) -> list[str]:
    """Sentences on what is missing or estimated in an athlete's results, and how to change it.

    Parameters
    ----------
    athlete_id : str
        Used in the command lines the sentences suggest.
    daily : pandas.DataFrame or None
        The athlete's daily table (:func:`analyzer.indicators.daily_table`).
    settings : Mapping
        ``{NAME: {"value", "source"}}`` of
        :meth:`analyzer.indicators.athlete_settings.AthleteSettings.as_dict`.
    sessions : pandas.DataFrame, optional
        The athlete's session table (:func:`analyzer.indicators.sessions_table`): says how
        many implausible power readings were left out, and on which days.

    Returns
    -------
    list of str
        Empty when nothing is missing and nothing rests on an estimate.
    """
    return [
        *_load_notes(athlete_id, daily, settings),
        *_estimate_notes(athlete_id, daily, settings),
        *_other_notes(athlete_id, daily, settings),
        *_quality_notes(sessions),
    ]
