"""In-session context of exercise-associated cramps, from the linked activity's samples.

For each cramp logged during (or just after) a recorded session: how far into
the session it came, heart rate and output (power, else speed) in the 10
minutes before it against the session so far, aerobic decoupling up to the
cramp, temperature, and cumulative work and distance. Decoupling is the drop
in output:HR efficiency between the first and second half of the samples up
to the cramp, ``100 (EF_1 - EF_2) / EF_1`` (Friel; GoldenCheetah
``AerobicDecoupling.cpp``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from analyzer.indicators.plausible import plausible_samples

WINDOW_S = 600.0

COLUMNS = [
    "cramp_id",
    "activity_id",
    "minutes_into_session",
    "fraction_of_session",
    "session_duration_min",
    "heart_rate_last10_bpm",
    "heart_rate_before_bpm",
    "power_last10_w",
    "power_before_w",
    "speed_last10_mps",
    "speed_before_mps",
    "decoupling_pct",
    "temperature_last10_c",
    "work_kj",
    "distance_m",
    "sentence",
]


def _column(samples: pd.DataFrame, name: str) -> np.ndarray:
    if name not in samples.columns:
        return np.full(len(samples), np.nan)
    return pd.to_numeric(samples[name], errors="coerce").to_numpy(dtype=float)


def _mean(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else np.nan


def decoupling_pct(samples: pd.DataFrame) -> float:
    """Aerobic decoupling [%] of the given samples (split at the sample-count midpoint).

    Uses power when present, else speed; only samples with HR > 0.
    """
    return _decoupling(
        _column(samples, "heart_rate_bpm"),
        _column(samples, "power_w"),
        _column(samples, "speed_mps"),
    )


def _decoupling(hr: np.ndarray, power: np.ndarray, speed: np.ndarray) -> float:
    for out in (power, speed):
        ok = np.isfinite(out) & np.isfinite(hr) & (hr > 0)
        if ok.sum() < 4 or out[ok].mean() <= 0:
            continue
        out_ok, hr_ok = out[ok], hr[ok]
        half = out_ok.size // 2
        ef1 = out_ok[:half].mean() / hr_ok[:half].mean()
        ef2 = out_ok[half:].mean() / hr_ok[half:].mean()
        return float(100 * (ef1 - ef2) / ef1)
    return np.nan


def _work_kj(t_s: np.ndarray, power: np.ndarray) -> float:
    """Integral of power over time [kJ]; gaps longer than 10 s count as pauses."""
    if power.size < 2 or not np.isfinite(power).any():
        return np.nan
    dt = np.clip(np.diff(t_s), 0, 10)
    return float(np.nansum(power[:-1] * dt) / 1000)


def session_context(cramp_id, activity_id, cramp_utc: pd.Timestamp, samples: pd.DataFrame) -> dict:
    """In-session context of one cramp (see module docstring); ``NaN`` where not measurable."""
    row = dict.fromkeys(COLUMNS, np.nan)
    row.update(cramp_id=cramp_id, activity_id=activity_id)
    if samples is None or len(samples) == 0 or "t_utc" not in samples.columns:
        row["sentence"] = "No samples were recorded for the linked session."
        return row
    t_ns = (
        pd.to_datetime(samples["t_utc"], utc=True)
        .dt.tz_localize(None)
        .to_numpy()
        .astype("datetime64[ns]")
        .astype(np.int64)
    )
    order = np.argsort(t_ns, kind="stable")
    start = pd.Timestamp(int(t_ns[order[0]]), unit="ns", tz="UTC")
    t_s = (t_ns[order] - t_ns[order[0]]) / 1e9
    cols = {
        name: _column(samples, name)[order]
        for name in ("heart_rate_bpm", "power_w", "speed_mps", "temperature_c", "distance_m")
    }
    at_s = min(max((cramp_utc - start).total_seconds(), 0.0), t_s[-1])
    so_far = t_s <= at_s
    last10 = so_far & (t_s > at_s - WINDOW_S)
    before = so_far & ~last10
    duration_min = t_s[-1] / 60
    distance = cols["distance_m"][so_far]
    row.update(
        minutes_into_session=at_s / 60,
        fraction_of_session=at_s / t_s[-1] if t_s[-1] > 0 else np.nan,
        session_duration_min=duration_min,
        heart_rate_last10_bpm=_mean(cols["heart_rate_bpm"][last10]),
        heart_rate_before_bpm=_mean(cols["heart_rate_bpm"][before]),
        power_last10_w=_mean(cols["power_w"][last10]),
        power_before_w=_mean(cols["power_w"][before]),
        speed_last10_mps=_mean(cols["speed_mps"][last10]),
        speed_before_mps=_mean(cols["speed_mps"][before]),
        decoupling_pct=_decoupling(
            cols["heart_rate_bpm"][so_far], cols["power_w"][so_far], cols["speed_mps"][so_far]
        ),
        temperature_last10_c=_mean(cols["temperature_c"][last10]),
        work_kj=_work_kj(t_s[so_far], cols["power_w"][so_far]),
        distance_m=float(np.nanmax(distance)) if np.isfinite(distance).any() else np.nan,
    )
    row["sentence"] = context_sentence(row, (cramp_utc - start).total_seconds() > t_s[-1])
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
        head = (
            f"Cramp {row['minutes_into_session']:.0f} min into a "
            f"{row['session_duration_min']:.0f}-min session "
            f"({100 * row['fraction_of_session']:.0f}% through)"
        )
    parts = [
        p
        for p in (
            _change(row["heart_rate_last10_bpm"], row["heart_rate_before_bpm"], "heart rate"),
            _change(row["power_last10_w"], row["power_before_w"], "power"),
            _change(row["speed_last10_mps"], row["speed_before_mps"], "speed"),
        )
        if p
    ]
    if np.isfinite(row["decoupling_pct"]):
        parts.append(f"decoupling up to the cramp {row['decoupling_pct']:.1f}%")
    if np.isfinite(row["temperature_last10_c"]):
        parts.append(f"temperature {row['temperature_last10_c']:.0f} °C")
    return head + ("; " + "; ".join(parts) if parts else "") + "."


def in_session_table(
    cramps: pd.DataFrame, samples_for: Callable[[str], pd.DataFrame] | None
) -> pd.DataFrame:
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
        samples = plausible_samples(samples_for(cramp["activity_id"])).samples
        rows.append(
            session_context(
                cramp.get("cramp_id"),
                cramp["activity_id"],
                pd.Timestamp(cramp["start_utc"]),
                samples,
            )
        )
    return pd.DataFrame(rows, columns=COLUMNS)
