"""Sample streams of many sessions at once: sorted arrays, per-session sums, stream metrics.

All sessions' samples are sorted by (session, time) into flat numpy arrays; per-session
reductions are ``numpy.bincount`` over the session code, so the cost does not grow with a
Python loop over samples. Only the metrics that need a session's own time axis (Normalized
Power on a regular grid, decoupling halves, heart-rate recovery) loop over sessions, on
array slices.

Work that lays a session out on a time grid (the 1 Hz power of Normalized Power, the 1-s
grids of the physiology estimates) covers at most :attr:`StreamSet.bound_s` of each session:
its recorded duration, else the span of its samples with every gap counted as
:data:`MAX_PAUSE_S` at most. One damaged timestamp years away (a flipped bit) therefore
cannot make a grid, and its memory, years long.

Power readings outside the physiological limits
(:func:`analyzer.indicators.plausible.implausible_power`) are blanked when the set is built,
so every metric and estimate computed from it sees the same cleaned stream;
:attr:`StreamSet.dropped_power` counts them per session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analyzer.indicators import power as pw
from analyzer.indicators import stream, trimp
from analyzer.indicators.columns import numeric_column
from analyzer.indicators.params import IndicatorParams
from analyzer.indicators.plausible import implausible_power

CHANNELS = ("heart_rate_bpm", "power_w", "speed_mps", "temperature_c")
MOVING_SPEED_MPS = 0.5  # slower than this counts as stopped when no moving time is recorded
MIN_CHANNEL_FRACTION = 0.1  # a channel with fewer valid samples is treated as absent
#: A gap between samples counts at most this long when bounding stream work by the samples'
#: own span [s]: longer ones are damaged timestamps (import splits such records off).
MAX_PAUSE_S = 6 * 3600


class StreamSet:
    """The samples of sessions ``activity_ids``, grouped and sorted.

    Build it with :meth:`of_sessions` from the sessions table, so that each session's
    recorded duration bounds the work on its stream.

    Parameters
    ----------
    samples : pandas.DataFrame, Mapping of activity_id to DataFrame, or None
        Canonical ``samples`` rows.
    activity_ids : sequence of str
        The sessions, in the order of the per-session results.
    max_gap_s : float
        A longer gap between two samples is a pause: the earlier sample is credited with
        ``max_gap_s`` at most; the last sample of a session gets its preceding gap [s].
    duration_s : array-like of float, optional
        Each session's recorded (elapsed) duration [s], NaN where unknown; see
        :attr:`bound_s`.

    Attributes
    ----------
    bound_s : numpy.ndarray
        How far after its first sample each session's grid work reaches [s]: the recorded
        duration, else the samples' span with each gap counted as :data:`MAX_PAUSE_S` at
        most.
    dropped_power : numpy.ndarray of int
        Power readings of each session left out as implausible
        (:func:`analyzer.indicators.plausible.implausible_power`); ``values["power_w"]`` is
        NaN there.
    """

    @classmethod
    def of_sessions(cls, sessions: pd.DataFrame, samples, max_gap_s: float) -> StreamSet:
        """The streams of the sessions of ``sessions`` (``activity_id``, ``duration_s``)."""
        ids = sessions["activity_id"].astype(str).tolist() if len(sessions) else []
        return cls(samples, ids, max_gap_s, numeric_column(sessions, "duration_s"))

    def __init__(
        self,
        samples,
        activity_ids: Sequence[str],
        max_gap_s: float,
        duration_s: Sequence[float] | np.ndarray | None = None,
    ) -> None:
        self.n = len(activity_ids)
        frame = _one_frame(samples, activity_ids)
        code = pd.Index(list(activity_ids)).get_indexer(frame["activity_id"]) if len(frame) else []
        code = np.asarray(code, dtype=np.int64)
        t_ns = _utc_ns(frame["t_utc"]) if len(frame) else np.zeros(0, np.int64)
        keep = (code >= 0) & (t_ns != np.iinfo(np.int64).min)
        order = np.lexsort((t_ns[keep], code[keep]))
        self.code = code[keep][order]
        t_ns = t_ns[keep][order]
        self.values = {name: numeric_column(frame, name)[keep][order] for name in CHANNELS}
        spikes = implausible_power(self.values["power_w"])
        self.values["power_w"] = np.where(spikes, np.nan, self.values["power_w"])
        self.bounds = np.searchsorted(self.code, np.arange(self.n + 1))
        self.dropped_power = self.count(spikes).astype(np.int64)
        first = np.minimum(
            self.bounds[:-1], max(len(t_ns) - 1, 0)
        )  # sessions without samples repeat 0 times
        starts = np.repeat(
            t_ns[first] if len(t_ns) else np.zeros(self.n, np.int64), np.diff(self.bounds)
        )
        self.t_s = (t_ns - starts) / 1e9
        self.dt_s = _credited_seconds(self.t_s, self.code, max_gap_s)
        self.bound_s = self.span_s(MAX_PAUSE_S)
        if duration_s is not None:
            recorded = np.asarray(duration_s, dtype=float)
            if recorded.shape != (self.n,):
                raise ValueError(f"{recorded.size} durations for {self.n} sessions")
            self.bound_s = np.where(np.isfinite(recorded), recorded, self.bound_s)

    def count(self, mask: np.ndarray | None = None) -> np.ndarray:
        weights = None if mask is None else mask.astype(float)
        return np.bincount(self.code, weights=weights, minlength=self.n)

    def total(self, values: np.ndarray) -> np.ndarray:
        """Per-session sum of the finite values (0 when none)."""
        return np.bincount(
            self.code, weights=np.where(np.isfinite(values), values, 0.0), minlength=self.n
        )

    def has(self, name: str, fraction: float = MIN_CHANNEL_FRACTION) -> np.ndarray:
        """Sessions whose channel ``name`` is valid in at least ``fraction`` of the samples."""
        samples = self.count()
        valid = self.count(np.isfinite(self.values[name]))
        return (samples > 0) & (valid >= fraction * np.maximum(samples, 1))

    def time_mean(self, name: str, mask: np.ndarray | None = None) -> np.ndarray:
        """Time-weighted mean of a channel per session (NaN without valid samples)."""
        values = self.values[name]
        use = np.isfinite(values) & (self.dt_s > 0)
        if mask is not None:
            use &= mask
        weight = self.total(np.where(use, self.dt_s, 0.0))
        weighted = self.total(np.where(use, values * self.dt_s, 0.0))
        return np.where(weight > 0, weighted / np.where(weight > 0, weight, 1.0), np.nan)

    def duration_s(self) -> np.ndarray:
        """Elapsed time from the first sample to the end of the last one [s] (NaN w/o samples)."""
        last = self.bounds[1:] - 1
        has = np.diff(self.bounds) > 0
        out = np.full(self.n, np.nan)
        out[has] = self.t_s[last[has]] + self.dt_s[last[has]]
        return out

    def span_s(self, max_gap_s: float) -> np.ndarray:
        """First to last sample [s], each gap counted as ``max_gap_s`` at most (0 w/o samples)."""
        gaps = np.diff(self.t_s, prepend=0.0)
        first = np.concatenate(([True], self.code[1:] != self.code[:-1])) if gaps.size else gaps
        return self.total(np.where(first, 0.0, np.minimum(gaps, max_gap_s)))

    def moving_s(self) -> np.ndarray:
        """Time credited to samples while moving (speed stream) or recording (no speed) [s]."""
        speed = self.values["speed_mps"]
        moving = self.total(np.where(speed >= MOVING_SPEED_MPS, self.dt_s, 0.0))
        recording = self.total(self.dt_s)
        out = np.where(self.has("speed_mps", 0.5), moving, recording)
        return np.where(np.diff(self.bounds) > 0, out, np.nan)

    def zone_seconds(self, hr_max_bpm: float, bounds_pct_max: Sequence[float]) -> np.ndarray:
        """Seconds per HR zone (% of HR max), shape (sessions, zones)."""
        n_zones = len(bounds_pct_max)
        hr = self.values["heart_rate_bpm"]
        pct = 100.0 * hr / hr_max_bpm if np.isfinite(hr_max_bpm) else np.full(hr.size, np.nan)
        zone = np.searchsorted(np.asarray(bounds_pct_max, float), pct, side="right") - 1
        use = np.isfinite(pct) & (zone >= 0)
        flat = np.bincount(
            self.code[use] * n_zones + zone[use], weights=self.dt_s[use], minlength=self.n * n_zones
        )
        return flat.reshape(self.n, n_zones)

    def slice(self, i: int) -> dict[str, np.ndarray]:
        """Arrays of session ``i``: ``t_s``, ``dt_s`` and the channels."""
        part = slice(self.bounds[i], self.bounds[i + 1])
        return {
            "t_s": self.t_s[part],
            "dt_s": self.dt_s[part],
            **{name: values[part] for name, values in self.values.items()},
        }


def _one_frame(samples, activity_ids: Sequence[str]) -> pd.DataFrame:
    columns = ["activity_id", "t_utc", *CHANNELS]
    if samples is None:
        return pd.DataFrame(columns=columns)
    if isinstance(samples, Mapping):
        parts = [
            frame.assign(activity_id=aid)
            for aid in activity_ids
            if (frame := samples.get(aid)) is not None and len(frame)
        ]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    return samples


def _utc_ns(t_utc: pd.Series) -> np.ndarray:
    times = pd.to_datetime(t_utc, utc=True)
    return (
        times.dt.tz_convert("UTC")
        .dt.tz_localize(None)
        .to_numpy(dtype="datetime64[ns]")
        .view(np.int64)
    )


def _credited_seconds(t_s: np.ndarray, code: np.ndarray, max_gap_s: float) -> np.ndarray:
    if t_s.size == 0:
        return np.zeros(0)
    gap = np.append(np.diff(t_s), np.nan)
    last = np.append(code[1:] != code[:-1], True)
    gap[last] = np.nan
    previous = np.concatenate(([np.nan], gap[:-1]))
    first = np.concatenate(([True], code[1:] != code[:-1]))
    previous[first] = np.nan
    gap = np.where(last, previous, gap)  # the last sample gets the gap before it
    return np.minimum(np.nan_to_num(gap, nan=0.0), max_gap_s)


def banister_trimp_per_session(
    streams: StreamSet, hr_rest_bpm: float, hr_max_bpm: float, sex, variant: str
) -> np.ndarray:
    """Per-sample Banister TRIMP of each session [AU] (NaN without an HR stream)."""
    a, b = trimp.trimp_constants(sex, variant)
    x = trimp.hr_reserve_fraction(streams.values["heart_rate_bpm"], hr_rest_bpm, hr_max_bpm)
    weight = np.asarray(trimp.banister_weight(x, a, b), dtype=float)
    impulse = streams.total(streams.dt_s / 60.0 * weight)
    weighted = streams.count(np.isfinite(weight)) > 0  # NaN, not 0, without HR rest/max
    return np.where(streams.has("heart_rate_bpm") & weighted, impulse, np.nan)


def stream_metrics(streams: StreamSet, params: IndicatorParams) -> pd.DataFrame:
    """NP, decoupling, cardiac drift and HRR of each session (one loop over sessions).

    The 1 Hz power grid of Normalized Power covers at most ``streams.bound_s`` of each
    session (:class:`StreamSet`).
    """
    rows = [_one_stream(streams.slice(i), params, streams.bound_s[i]) for i in range(streams.n)]
    return pd.DataFrame(
        rows,
        columns=[
            "np_w",
            "decoupling_pct",
            "decoupling_output",
            "cardiac_drift_pct",
            "hrr60_bpm",
            "hrr120_bpm",
        ],
    )


def _valid(values: np.ndarray, fraction: float) -> bool:
    return values.size > 0 and np.isfinite(values).mean() >= fraction


def _one_stream(data: dict[str, np.ndarray], params: IndicatorParams, bound_s: float) -> dict:
    out = dict.fromkeys(
        ["np_w", "decoupling_pct", "cardiac_drift_pct", "hrr60_bpm", "hrr120_bpm"], float("nan")
    )
    out["decoupling_output"] = None
    if _valid(data["power_w"], MIN_CHANNEL_FRACTION) and np.nanmax(data["power_w"]) > 0:
        # an all-zero power channel is a sensor that was not there, not a ride at 0 W
        regular = pw.resample_regular(
            data["t_s"], data["power_w"], 1.0, params.sample_max_gap_s, max_duration_s=bound_s
        )
        out["np_w"] = pw.normalized_power(regular, 1.0, params.np_window_s, params.np_warmup)
    if not _valid(data["heart_rate_bpm"], MIN_CHANNEL_FRACTION):
        return out
    kind = (
        "power"
        if _valid(data["power_w"], 0.5)
        else "speed"
        if _valid(data["speed_mps"], 0.5)
        else None
    )
    output = data["power_w"] if kind == "power" else data["speed_mps"] if kind else None
    if output is not None:
        halves = stream.steady_halves(
            data["t_s"],
            data["heart_rate_bpm"],
            output,
            params.decoupling_warmup_s,
            params.decoupling_min_s,
        )
        if halves is not None:
            hr1, out1, hr2, out2 = halves
            out["decoupling_pct"] = stream.decoupling_pct(out1, hr1, out2, hr2)
            out["decoupling_output"] = kind
            out["cardiac_drift_pct"] = stream.cardiac_drift_pct(hr1, hr2)
    for delay, key in ((params.hrr_delay_s, "hrr60_bpm"), (2 * params.hrr_delay_s, "hrr120_bpm")):
        out[key] = stream.heart_rate_recovery_bpm(
            data["t_s"], data["heart_rate_bpm"], delay, output, params.sample_max_gap_s
        )
    return out
