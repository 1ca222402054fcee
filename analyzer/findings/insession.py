"""In-session context of exercise-associated cramps, from the linked activity's samples.

For each cramp logged during (or just after) a recorded session: how far into
the session it came, heart rate and output (power, else speed) in the 10
minutes before it against the session so far, aerobic decoupling up to the
cramp, temperature, and cumulative work and distance. Decoupling is the drop
in output:HR efficiency between the first and second half of the samples up
to the cramp, ``100 (EF_1 - EF_2) / EF_1`` (Friel; GoldenCheetah
``AerobicDecoupling.cpp``; SCIENCE.md section 1.10).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

WINDOW_S = 600.0

COLUMNS = ["cramp_id", "activity_id", "minutes_into_session", "fraction_of_session",
           "session_duration_min", "heart_rate_last10_bpm", "heart_rate_before_bpm",
           "power_last10_w", "power_before_w", "speed_last10_mps", "speed_before_mps",
           "decoupling_pct", "temperature_last10_c", "work_kj", "distance_m", "sentence"]


def _mean(frame: pd.DataFrame, column: str) -> float:
    if column not in frame.columns:
        return np.nan
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    return float(values.mean()) if values.size else np.nan


def decoupling_pct(samples: pd.DataFrame) -> float:
    """Aerobic decoupling [%] of the given samples (split at the sample-count midpoint).

    Uses power when present, else speed; only samples with HR > 0.
    """
    if "heart_rate_bpm" not in samples.columns or len(samples) < 4:
        return np.nan
    hr = pd.to_numeric(samples["heart_rate_bpm"], errors="coerce").to_numpy(dtype=float)
    for column in ("power_w", "speed_mps"):
        if column not in samples.columns:
            continue
        out = pd.to_numeric(samples[column], errors="coerce").to_numpy(dtype=float)
        ok = np.isfinite(out) & np.isfinite(hr) & (hr > 0)
        if ok.sum() < 4 or np.nanmean(out[ok]) <= 0:
            continue
        out, hrv = out[ok], hr[ok]
        half = out.size // 2
        ef1 = out[:half].mean() / hrv[:half].mean()
        ef2 = out[half:].mean() / hrv[half:].mean()
        return float(100 * (ef1 - ef2) / ef1)
    return np.nan


def _work_kj(samples: pd.DataFrame) -> float:
    if "power_w" not in samples.columns or len(samples) < 2:
        return np.nan
    power = pd.to_numeric(samples["power_w"], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(power).any():
        return np.nan
    t_utc = pd.to_datetime(samples["t_utc"], utc=True)
    t = (t_utc - t_utc.iloc[0]).dt.total_seconds().to_numpy()
    dt = np.clip(np.diff(t), 0, 10)  # pauses do not count as work
    return float(np.nansum(power[:-1] * dt) / 1000)


def session_context(cramp_id, activity_id, cramp_utc: pd.Timestamp, samples: pd.DataFrame) -> dict:
    """In-session context of one cramp (see module docstring); ``NaN`` where not measurable."""
    row = dict.fromkeys(COLUMNS, np.nan)
    row.update(cramp_id=cramp_id, activity_id=activity_id)
    if samples is None or len(samples) == 0 or "t_utc" not in samples.columns:
        row["sentence"] = "No samples were recorded for the linked session."
        return row
    s = samples.sort_values("t_utc")
    t = pd.to_datetime(s["t_utc"], utc=True)
    start, end = t.iloc[0], t.iloc[-1]
    at = min(max(cramp_utc, start), end)
    so_far = s.loc[(t <= at).to_numpy()]
    last10 = so_far.loc[(t.loc[so_far.index] > at - pd.Timedelta(seconds=WINDOW_S)).to_numpy()]
    before = so_far.loc[~so_far.index.isin(last10.index)]
    duration_min = (end - start).total_seconds() / 60
    minutes = (at - start).total_seconds() / 60
    row.update(
        minutes_into_session=minutes,
        fraction_of_session=minutes / duration_min if duration_min > 0 else np.nan,
        session_duration_min=duration_min,
        heart_rate_last10_bpm=_mean(last10, "heart_rate_bpm"),
        heart_rate_before_bpm=_mean(before, "heart_rate_bpm"),
        power_last10_w=_mean(last10, "power_w"),
        power_before_w=_mean(before, "power_w"),
        speed_last10_mps=_mean(last10, "speed_mps"),
        speed_before_mps=_mean(before, "speed_mps"),
        decoupling_pct=decoupling_pct(so_far),
        temperature_last10_c=_mean(last10, "temperature_c"),
        work_kj=_work_kj(so_far),
        distance_m=float(pd.to_numeric(so_far.get("distance_m"), errors="coerce").max())
        if "distance_m" in so_far.columns and len(so_far) else np.nan,
    )
    row["sentence"] = context_sentence(row, cramp_utc > end)
    return row


def _change(now: float, before: float, what: str) -> str | None:
    if not (np.isfinite(now) and np.isfinite(before)) or before <= 0:
        return None
    pct = 100 * (now / before - 1)
    word = "above" if pct >= 0 else "below"
    return f"{what} in the 10 minutes before was {abs(pct):.0f}% {word} the session so far"


def context_sentence(row: dict, after_session: bool = False) -> str:
    """Plain-language summary of one cramp's in-session context."""
    if after_session:
        head = f"Cramp after a {row['session_duration_min']:.0f}-min session"
    else:
        head = (f"Cramp {row['minutes_into_session']:.0f} min into a "
                f"{row['session_duration_min']:.0f}-min session "
                f"({100 * row['fraction_of_session']:.0f}% through)")
    parts = [p for p in (
        _change(row["heart_rate_last10_bpm"], row["heart_rate_before_bpm"], "heart rate"),
        _change(row["power_last10_w"], row["power_before_w"], "power"),
        _change(row["speed_last10_mps"], row["speed_before_mps"], "speed"),
    ) if p]
    if np.isfinite(row["decoupling_pct"]):
        parts.append(f"decoupling up to the cramp {row['decoupling_pct']:.1f}%")
    if np.isfinite(row["temperature_last10_c"]):
        parts.append(f"temperature {row['temperature_last10_c']:.0f} °C")
    return head + ("; " + "; ".join(parts) if parts else "") + "."


def in_session_table(cramps: pd.DataFrame,
                     samples_for: Callable[[str], pd.DataFrame] | None) -> pd.DataFrame:
    """In-session context of every exercise-associated cramp linked to an activity.

    Parameters
    ----------
    cramps : pandas.DataFrame
        Cramps with ``cramp_type`` (see ``cramp_index_days``), ``start_utc``,
        ``activity_id`` and ``cramp_id``.
    samples_for : callable or None
        ``samples_for(activity_id) -> samples DataFrame`` (canonical columns);
        ``None`` gives an empty table.
    """
    if samples_for is None or cramps.empty or "activity_id" not in cramps.columns:
        return pd.DataFrame(columns=COLUMNS)
    linked = cramps.loc[(cramps["cramp_type"] == "exercise") & cramps["activity_id"].notna()]
    rows = []
    for _, cramp in linked.iterrows():
        samples = samples_for(cramp["activity_id"])
        rows.append(session_context(cramp.get("cramp_id"), cramp["activity_id"],
                                    pd.Timestamp(cramp["start_utc"]), samples))
    return pd.DataFrame(rows, columns=COLUMNS)
