"""Session intensity and duration relative to the athlete's habit for that sport.

Unusually high intensity relative to what the athlete is used to is the best-supported
predictor of exercise-associated muscle cramps (Schwellnus MP, Drew N, Collins M.
*Br J Sports Med* 2011;45(8):650-656: faster-than-predicted racing and previous cramps, not
dehydration or serum sodium). The habit is the median of the athlete's sessions of the same
sport in the preceding ``habit_window_d`` days (the session itself and later ones excluded).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.indicators.columns import numeric_column
from analyzer.indicators.params import DEFAULT_PARAMS, IndicatorParams

HABIT_MEASURES = {
    "power": "habit_power_w",
    "hr_reserve": "habit_hr_reserve",
    "speed": "habit_speed_mps",
}


def relative_to_habit(
    start_utc: pd.Series, values: pd.Series, window_d: int = 90, min_sessions: int = 3
) -> pd.Series:
    """Each value divided by the median of the values of the preceding ``window_d`` days.

    Parameters
    ----------
    start_utc : pandas.Series
        Session start times (tz-aware), one sport.
    values : pandas.Series
        The measure for each session (NaN = not available; skipped in the habit).
    window_d : int
        Habit window [d].
    min_sessions : int
        Earlier sessions with a value the habit needs.

    Returns
    -------
    pandas.Series
        Ratio [-] (1.0 = as usual, 1.2 = 20 % above the habit), same index as ``values``.
    """
    starts = pd.DatetimeIndex(pd.to_datetime(start_utc, utc=True))
    order = np.argsort(starts.asi8, kind="stable")
    series = pd.Series(values.to_numpy(dtype=float)[order], index=starts[order])
    habit = series.rolling(f"{int(window_d)}D", closed="left", min_periods=min_sessions).median()
    ratio = (series / habit.where(habit > 0)).to_numpy()
    out = np.empty(ratio.size)
    out[order] = ratio
    return pd.Series(out, index=values.index)


def add_habit_columns(
    sessions: pd.DataFrame, params: IndicatorParams = DEFAULT_PARAMS
) -> pd.DataFrame:
    """Add ``intensity_rel_habit``, ``duration_rel_habit`` and ``habit_intensity_metric``.

    The intensity measure is the first of ``params.habit_intensity_priority`` for which
    both the session and its habit have a value (power: NP else mean power; hr_reserve:
    mean HR as fraction of the reserve; speed: mean moving speed). Duration is moving time.
    Sessions are compared only with sessions of the same ``sport``. Missing measure columns
    count as not available.
    """
    out = sessions.copy()
    intensity = pd.Series(np.nan, index=out.index)
    metric = pd.Series(None, index=out.index, dtype=object)
    duration = pd.Series(np.nan, index=out.index)
    if not out.empty:
        sport = out["sport"].astype(object).where(out["sport"].notna(), "unknown")
        duration_values = _column(out, "moving_s").fillna(_column(out, "duration_s"))
        for _, rows in out.groupby(sport, sort=False):
            window, minimum = params.habit_window_d, params.habit_min_sessions
            start = rows["start_utc"]
            duration.loc[rows.index] = relative_to_habit(
                start, duration_values.loc[rows.index], window, minimum
            )
            for name in params.habit_intensity_priority:
                measure = _column(rows, HABIT_MEASURES[name])
                ratio = relative_to_habit(start, measure, window, minimum)
                fill = ratio.notna() & intensity.loc[rows.index].isna()
                intensity.loc[ratio.index[fill]] = ratio[fill]
                metric.loc[ratio.index[fill]] = name
    out["intensity_rel_habit"] = intensity.astype(float)
    out["duration_rel_habit"] = duration.astype(float)
    out["habit_intensity_metric"] = metric.astype(object)
    return out


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return pd.Series(numeric_column(frame, name), index=frame.index)
