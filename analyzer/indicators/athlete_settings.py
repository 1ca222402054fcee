"""An athlete's settings with where each value comes from: set by you, estimated, or default.

A value stored in the library for the athlete is one the athlete (or coach) set: it always
wins. A value left empty is estimated from the athlete's own data each time the analysis
runs (:mod:`analyzer.indicators.physiology`), so new imports refine it without anything being
stored; when the data cannot give it, the documented default applies, or the value stays
missing and the results that need it say so.

``sex`` left ``"unspecified"`` uses neutral Banister TRIMP constants
(:func:`analyzer.indicators.trimp.trimp_constants`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzer import timebase
from analyzer.indicators import overlap
from analyzer.indicators import physiology as phys
from analyzer.indicators.columns import numeric_column
from analyzer.indicators.params import DEFAULT_PARAMS, IndicatorParams
from analyzer.indicators.plausible import POWER_LIMITS_W
from analyzer.indicators.session_streams import StreamSet
from analyzer.schema import TABLES

#: The settings of an athlete, in the order they are shown: every column of the athletes
#: table but its key and the mark of a default time zone.
SETTING_NAMES = tuple(
    name for name in TABLES["athletes"] if name not in ("athlete_id", "timezone_origin")
)

#: Plain-words label and unit of each setting.
SETTING_LABELS = {
    "display_name": ("Name", ""),
    "sex": ("Sex (chooses the TRIMP constants)", ""),
    "hr_rest_bpm": ("Resting heart rate", "bpm"),
    "hr_max_bpm": ("Maximum heart rate", "bpm"),
    "lthr_bpm": ("Threshold (lactate) heart rate", "bpm"),
    "ftp_w": ("Functional threshold power", "W"),
    "timezone": ("Time zone", ""),
    "sleep_need_h": ("Sleep need", "h/night"),
}

#: The settings estimated from data when not set.
ESTIMATED = ("hr_rest_bpm", "hr_max_bpm", "lthr_bpm", "ftp_w")


@dataclass(frozen=True)
class Setting:
    """One setting's value and its source.

    Attributes
    ----------
    value : float, str or None
        The value used (None: missing).
    source : str
        Starts with ``"set"`` (stored by the user), ``"estimated"`` (from the data, with how
        many sessions or days and their dates) or ``"default"`` (including "not known").
    """

    value: float | str | None
    source: str

    @property
    def kind(self) -> str:
        """``"set"``, ``"estimated"`` or ``"default"``."""
        return self.source.split(" ", 1)[0].rstrip(":")


@dataclass(frozen=True)
class AthleteSettings:
    """Every setting of one athlete, resolved."""

    athlete_id: str
    settings: dict[str, Setting]

    def values(self) -> dict:
        """The athlete row the indicators use: stored fields with the resolved values."""
        return {"athlete_id": self.athlete_id, **{k: s.value for k, s in self.settings.items()}}

    def as_dict(self) -> dict:
        """``{"athlete_id", "settings": {NAME: {"value", "source"}}}`` (JSON-ready)."""
        return {
            "athlete_id": self.athlete_id,
            "settings": {
                name: {"value": s.value, "source": s.source} for name, s in self.settings.items()
            },
        }


def _stored(athlete: Mapping, name: str):
    value = athlete.get(name)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _span(days: np.ndarray) -> str:
    """``", first to last"`` of local dates (``datetime64[D]``, NaT ignored); "" without any."""
    days = days[~np.isnat(days)]
    if days.size == 0:
        return ""
    first, last = timebase.days_to_dates(np.array([days.min(), days.max()]))
    return f", {first}" if first == last else f", {first} to {last}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class _Evidence:
    """The athlete's sessions and daily values, turned into estimates on demand."""

    def __init__(
        self,
        activities: pd.DataFrame | None,
        samples,
        wellness: pd.DataFrame | None,
        rules: phys.EstimationRules,
        max_gap_s: float,
        timezone: str | None,
    ) -> None:
        self.timezone = timezone
        self.activities = (
            activities
            if activities is not None
            else pd.DataFrame(columns=["activity_id", "start_utc"])
        )
        self.wellness = wellness
        self.rules = rules
        self.streams = StreamSet.of_sessions(self.activities, samples, max_gap_s)
        self._grids: dict[str, list] = {}

    def grids(self, channel: str) -> list:
        if channel not in self._grids:
            limits = phys.HR_LIMITS_BPM if channel == "heart_rate_bpm" else POWER_LIMITS_W
            self._grids[channel] = phys.session_grids(
                self.streams, channel, limits, self.rules.hold_s
            )
        return self._grids[channel]

    def sessions(self, used: np.ndarray, what: str) -> str:
        n = int(np.count_nonzero(used))
        offsets = self.activities.get("utc_offset_s")
        days = timebase.local_days(self.activities["start_utc"], self.timezone, offsets)
        return f"estimated from {what} of {_plural(n, 'session')}" + _span(days[used])

    def overlap_groups(self) -> np.ndarray:
        """Sessions overlapping in time share a label: one recording, not two sessions."""
        start_s, end_s = overlap.interval_bounds_s(
            self.activities["start_utc"], self.streams.bound_s
        )
        return overlap.overlap_groups(start_s, end_s)

    def hr_max(self) -> Setting | None:
        groups = self.overlap_groups()
        value, used = phys.estimate_hr_max(self.grids("heart_rate_bpm"), self.rules, groups)
        if np.isfinite(value):
            return Setting(
                float(round(value)), self.sessions(used, "the heart rate held 5 s or more")
            )
        summary = numeric_column(self.activities, "max_heart_rate_bpm")
        value, used = phys.estimate_hr_max_from_summaries(summary, self.rules, groups)
        if np.isfinite(value):
            return Setting(
                float(round(value)), self.sessions(used, "the recorded maximum heart rate")
            )
        return None

    def hr_rest(self) -> Setting | None:
        if self.wellness is not None and len(self.wellness):
            daily = numeric_column(self.wellness, "resting_hr_bpm")
            value, n_days = phys.estimate_hr_rest(daily)
            if np.isfinite(value):
                known = np.isfinite(daily) & (daily >= phys.HR_LIMITS_BPM[0])
                span = _span(timebase.to_days(self.wellness["date"])[known])
                return Setting(
                    float(round(value)),
                    f"estimated from your device's resting heart rate on "
                    f"{_plural(n_days, 'day')}{span} (median)",
                )
        value, used = phys.estimate_hr_rest_from_sessions(self.grids("heart_rate_bpm"), self.rules)
        if np.isfinite(value) and value < phys.POPULATION_HR_REST_BPM:
            return Setting(
                float(round(value)),
                self.sessions(used, "the lowest heart rate held for a minute")
                + " (an upper bound: set your morning resting heart rate if you know it)",
            )
        lowest = (
            f"; your sessions never held less than {value:.0f} bpm" if np.isfinite(value) else ""
        )
        return Setting(
            phys.POPULATION_HR_REST_BPM,
            f"default: {phys.POPULATION_HR_REST_BPM:g} bpm, the average resting heart rate of "
            f"adults measured by wearables (Quer et al. 2020){lowest}; set your morning resting "
            "heart rate if you know it",
        )

    def lthr(self) -> Setting | None:
        value, used = phys.estimate_lthr(self.grids("heart_rate_bpm"), self.rules)
        if not np.isfinite(value):
            return None
        return Setting(
            float(round(value)),
            self.sessions(used, "the hardest 30 minutes (Friel's test)")
            + " (a lower bound unless you raced or tested for 30 minutes)",
        )

    def ftp(self) -> Setting | None:
        value, used = phys.estimate_ftp(self.grids("power_w"), self.rules)
        if not np.isfinite(value):
            return None
        return Setting(float(round(value)), self.sessions(used, "95 % of the best 20-minute power"))


#: How to set the time zone, as a default zone's source names it.
_SET_ZONE = "set yours with 'cramp-analyzer athlete --set timezone=NAME' or on the Settings page"

#: The source of a time zone filled in when the athlete was created, by its origin.
_DEFAULT_ZONES = {
    "computer": f"default: this computer's time zone when the athlete was created; {_SET_ZONE}",
    "browser": f"default: the browser's time zone when the athlete was created; {_SET_ZONE}",
    "fallback": "default: UTC (this computer's time zone could not be told when the athlete "
    f"was created); {_SET_ZONE}",
}

_MISSING = {
    "hr_max_bpm": "default: not known (needs sessions with heart rate; or set it)",
    "lthr_bpm": "default: not known (needs a session with 30 minutes of heart rate; or set it)",
    "ftp_w": "default: not known (needs a session with 20 minutes of power; or set it)",
}


def needs_data(athlete: Mapping) -> bool:
    """True when a setting that can be estimated from data is not set."""
    return any(_stored(athlete, name) is None for name in ESTIMATED)


def resolve_settings(
    athlete: Mapping,
    activities: pd.DataFrame | None = None,
    samples=None,
    wellness: pd.DataFrame | None = None,
    params: IndicatorParams = DEFAULT_PARAMS,
    rules: phys.EstimationRules = phys.DEFAULT_RULES,
) -> AthleteSettings:
    """Resolve every setting: set by you > estimated from the data > default.

    Parameters
    ----------
    athlete : Mapping
        The athlete's stored row (canonical ``athletes`` columns); an empty value is not set.
    activities, samples, wellness : pandas.DataFrame or None
        The athlete's canonical tables (``samples`` as for
        :class:`~analyzer.indicators.session_streams.StreamSet`); read only for the values
        that are not set, so an athlete with everything set costs nothing here.
    params : IndicatorParams
        ``sleep_need_h`` is the default sleep need; ``sample_max_gap_s`` the stream gap rule.
    rules : EstimationRules

    Returns
    -------
    AthleteSettings
    """
    athlete_id = str(athlete.get("athlete_id") or "")
    settings: dict[str, Setting] = {}
    name = _stored(athlete, "display_name")
    settings["display_name"] = (
        Setting(name, "set by you")
        if name and name != athlete_id
        else Setting(athlete_id, "default: the athlete id")
    )
    sex = _stored(athlete, "sex")
    settings["sex"] = (
        Setting(sex, "set by you")
        if sex in ("f", "m")
        else Setting(
            "unspecified",
            "default: not stated (neutral TRIMP constants, between men's and women's)",
        )
    )
    evidence = None
    for field in ("hr_rest_bpm", "hr_max_bpm", "lthr_bpm", "ftp_w"):
        stored = _stored(athlete, field)
        if stored is not None:
            settings[field] = Setting(float(stored), "set by you")
            continue
        if evidence is None:
            evidence = _Evidence(
                activities,
                samples,
                wellness,
                rules,
                params.sample_max_gap_s,
                _stored(athlete, "timezone"),
            )
        estimate = {
            "hr_rest_bpm": evidence.hr_rest,
            "hr_max_bpm": evidence.hr_max,
            "lthr_bpm": evidence.lthr,
            "ftp_w": evidence.ftp,
        }[field]()
        settings[field] = estimate or Setting(None, _MISSING[field])  # HR rest: always one
    _keep_rest_below_max(settings)
    settings["timezone"] = _timezone(athlete)
    need = _stored(athlete, "sleep_need_h")
    settings["sleep_need_h"] = (
        Setting(float(need), "set by you")
        if need is not None
        else Setting(params.sleep_need_h, f"default: {params.sleep_need_h:g} h/night")
    )
    return AthleteSettings(athlete_id, {key: settings[key] for key in SETTING_NAMES})


def _timezone(athlete: Mapping) -> Setting:
    """The stored zone: set by you, or the default filled in at creation; else UTC."""
    zone = _stored(athlete, "timezone")
    if not zone:
        return Setting("UTC", "default: UTC (local days and nights use UTC until you set it)")
    origin = _stored(athlete, "timezone_origin")
    return (
        Setting(zone, _DEFAULT_ZONES[origin])
        if origin in _DEFAULT_ZONES
        else Setting(zone, "set by you")
    )


def _keep_rest_below_max(settings: dict[str, Setting]) -> None:
    """Drop an *estimated* HR rest or max that would leave no heart-rate reserve."""
    rest, peak = settings["hr_rest_bpm"], settings["hr_max_bpm"]
    if rest.value is None or peak.value is None or rest.value < peak.value:
        return
    for field, setting in (("hr_rest_bpm", rest), ("hr_max_bpm", peak)):
        if setting.kind == "estimated":
            settings[field] = Setting(
                None,
                f"default: not known (the estimate {setting.value:g} bpm leaves no "
                "heart-rate reserve; set it)",
            )
