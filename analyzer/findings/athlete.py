"""Findings for one athlete: every pre-specified comparison, ranked, with sentences.

:func:`analyze_athlete` runs the whole analysis on one athlete's
daily indicator table, cramp log and medication log: the case-crossover
comparison of every exposure for exercise-associated and nocturnal cramps,
rate ratios around medication changes, event-triggered averages, the
in-session context of exercise cramps and cramp duration by relief method.
All tests shown together form one Benjamini-Hochberg family, weighted towards
the pre-specified primary hypotheses (``exposures.PRIMARY_HYPOTHESES``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analyzer.findings.casecrossover import (
    Design,
    Windows,
    build_design,
    day_axis,
    estimate,
    exposure_windows,
    prepare_daily,
)
from analyzer.findings.epoch_family import epochs_table, excursion_clauses
from analyzer.findings.events import CRAMP_TYPES, TYPE_NOUNS, cramp_index_days
from analyzer.findings.evidence import EVIDENCE_LEVELS, evidence_levels, summary_text
from analyzer.findings.exposure_spec import Exposure
from analyzer.findings.exposures import binary_exposures, is_primary, medication_exposures
from analyzer.findings.insession import in_session_table
from analyzer.findings.journal import journal_exposures, journal_notes
from analyzer.findings.medications import medication_note, medication_rate_ratios, rate_rows
from analyzer.findings.multiple import bh_adjust, family_weights
from analyzer.findings.overlap import find_overlaps, overlap_column
from analyzer.findings.params import FindingsParams
from analyzer.findings.relief import relief_table
from analyzer.findings.report_text import conventions, method_note
from analyzer.findings.sentences import finding_sentence, rate_sentence
from analyzer.findings.sessions import (
    CUT_SHORT_S,
    cramp_sessions,
    session_design,
    session_units,
)

#: Columns of the findings table, in order.
FINDINGS_COLUMNS = [
    "rank",
    "cramp_type",
    "exposure",
    "label",
    "kind",
    "estimate",
    "ci_low",
    "ci_high",
    "p_value",
    "p_adjusted",
    "evidence",
    "n_events",
    "n_referents",
    "exposed_events",
    "descriptive_only",
    "hypothesis",
    "status",
    "lag_days",
    "method",
    "sentence",
    "overlaps",
    "phrase",
    "per_sd_measure",
    "per_sd_estimate",
    "per_sd_ci_low",
    "per_sd_ci_high",
    "per_sd_p_value",
    "sd",
    "unit",
]


@dataclass
class AthleteFindings:
    """Everything the findings engine reports for one athlete.

    Attributes
    ----------
    findings : pandas.DataFrame
        Ranked findings (:data:`FINDINGS_COLUMNS`): odds ratios from the
        case-crossover analysis and rate ratios around medication changes,
        each with its ``evidence`` level (:mod:`analyzer.findings.evidence`)
        and a plain ``label``. The ``per_sd_*`` columns describe each
        underlying measure per SD: exploratory, outside the adjusted family,
        never in the sentences.
    epochs : pandas.DataFrame
        Event-triggered averages with pointwise and family-wise null bands.
    rate_ratios : pandas.DataFrame
        Cramp rates before/after each medication start or stop.
    in_session : pandas.DataFrame
        Context of each exercise-associated cramp inside its session.
    relief : pandas.DataFrame
        Cramp duration by relief method.
    notes : list of str
        Plain-language statements about the data (counts, exclusions, advice).
    method : str
        The method note, in words.
    conventions : dict
        Every convention and parameter used.
    n_cramps : dict of str to int
        Cramps logged per cramp type (``exercise``, ``nocturnal``, ``other``).
    summary : str
        One or two sentences: what stands out, or that nothing does after the
        number of comparisons made (:func:`analyzer.findings.evidence.summary_text`).
    """

    findings: pd.DataFrame
    epochs: pd.DataFrame
    rate_ratios: pd.DataFrame
    in_session: pd.DataFrame
    relief: pd.DataFrame
    notes: list[str]
    method: str
    conventions: dict
    n_cramps: dict[str, int] = field(default_factory=dict)
    summary: str = ""


@dataclass
class ExposureWindows:
    """Matched windows of one exposure for one cramp type (input to :func:`estimate`).

    ``per_sd_windows`` and ``sd`` belong to the exposure's per-SD twin, if any.
    """

    cramp_type: str
    exposure: Exposure
    windows: Windows
    per_sd_windows: Windows | None = None
    sd: float = np.nan
    n_athletes: int = 1


def _per_sd(exposure: Exposure, values: np.ndarray) -> tuple[np.ndarray, float]:
    """Continuous values per SD of their own spread, in the hypothesis' direction."""
    sd = float(np.nanstd(values, ddof=1)) if np.isfinite(values).sum() > 2 else np.nan
    if not np.isfinite(sd) or sd == 0:
        return values * 0.0, np.nan
    return exposure.direction * values / sd, sd


def _session_scaled(exposure: Exposure, units, daily: pd.DataFrame):
    """The exposure of each session (continuous: per SD over the sessions), or ``None``."""
    if units is None or exposure.session_values is None:
        return None, np.nan
    values = np.asarray(exposure.session_values(units, daily), dtype=float)
    if exposure.kind != "continuous":
        return values, np.nan
    return _per_sd(exposure, values)


def _scaled(
    exposure: Exposure, daily: pd.DataFrame, cramp_type: str
) -> tuple[np.ndarray, np.ndarray | None, float]:
    """Exposure values (continuous: per SD, in the hypothesis' direction) and covariates."""
    values = exposure.daily_values(daily, cramp_type)
    if exposure.kind != "continuous":
        return values, None, np.nan
    sd = float(np.nanstd(values, ddof=1)) if np.isfinite(values).sum() > 2 else np.nan
    if not np.isfinite(sd) or sd == 0:
        return values * 0.0, None, np.nan
    scaled = exposure.direction * values / sd
    cov = None
    if exposure.covariates:
        cols = []
        for name in exposure.covariates:
            c = pd.to_numeric(daily.get(name), errors="coerce")
            c = c.to_numpy(dtype=float) if c is not None else np.full(len(daily), np.nan)
            c_sd = np.nanstd(c, ddof=1) if np.isfinite(c).sum() > 2 else np.nan
            cols.append(c / c_sd if np.isfinite(c_sd) and c_sd > 0 else c * np.nan)
        cov = np.column_stack(cols)
    return scaled, cov, sd


def athlete_windows(
    daily: pd.DataFrame,
    cramps: pd.DataFrame,
    medications: pd.DataFrame | None,
    params: FindingsParams,
    sleep_need_h: float | None = None,
    sessions: pd.DataFrame | None = None,
) -> tuple[list[ExposureWindows], dict[str, Design]]:
    """Matched windows of every exposure and cramp type for one athlete.

    Parameters
    ----------
    daily : pandas.DataFrame
        Prepared daily table (see ``prepare_daily``).
    cramps : pandas.DataFrame
        Cramps with ``cramp_type`` and ``index_day`` (see ``cramp_index_days``).
    sessions : pandas.DataFrame, optional
        Per-session indicators: exercise cramps are then compared session by
        session (:mod:`analyzer.findings.sessions`), else day by day.
    """
    days = day_axis(daily)
    units = session_units(sessions, daily)
    exposures = (
        binary_exposures(params, sleep_need_h)
        + medication_exposures(medications, days, params)
        + journal_exposures(daily, params)
    )
    cache: dict[str, tuple] = {}
    out, designs = [], {}
    for cramp_type in CRAMP_TYPES:
        index_days = cramps.loc[cramps["cramp_type"] == cramp_type, "index_day"].to_numpy()
        if index_days.size == 0 or days.size == 0:
            continue
        design = build_design(daily, index_days, cramp_type, params)
        by_session = cramp_type == "exercise" and units is not None
        if by_session:
            mine = cramps.loc[cramps["cramp_type"] == cramp_type]
            design = session_design(design, units, cramp_sessions(mine, units, daily))
        designs[cramp_type] = design
        for exposure in exposures:
            if cramp_type not in exposure.lags:
                continue
            per_session = units if by_session else None
            windows, _ = _windows(design, exposure, daily, cache, cramp_type, per_session)
            item = ExposureWindows(cramp_type, exposure, windows)
            if exposure.per_sd is not None:
                item.per_sd_windows, item.sd = _windows(
                    design, exposure.per_sd, daily, cache, cramp_type, per_session
                )
            out.append(item)
    return out, designs


def _windows(
    design: Design,
    exposure: Exposure,
    daily: pd.DataFrame,
    cache: dict,
    cramp_type: str,
    units: pd.DataFrame | None = None,
) -> tuple[Windows, float]:
    """The exposure's matched windows and the SD its values are scaled by (continuous)."""
    key = exposure.cache_key(cramp_type)
    if key not in cache:
        cache[key] = _scaled(exposure, daily, cramp_type)
    values, cov, sd = cache[key]
    session = None
    if units is not None and exposure.session_values is not None:
        per_session = exposure.key + "@sessions"
        if per_session not in cache:
            cache[per_session] = _session_scaled(exposure, units, daily)
        session, sd = cache[per_session]
    windows = exposure_windows(
        design, values, exposure.lags[cramp_type], cov, session_values=session
    )
    return windows, sd


def finding_row(item: ExposureWindows, params: FindingsParams) -> dict:
    """Estimate one exposure's windows and describe it as a findings row."""
    res = estimate(item.windows, item.exposure.kind, params)
    row = dict(
        res,
        cramp_type=item.cramp_type,
        exposure=item.exposure.key,
        label=item.exposure.label or item.exposure.key.replace("_", " "),
        kind=item.exposure.kind,
        phrase=item.exposure.phrase,
        lag_days=item.exposure.lags[item.cramp_type],
        per_sd_measure="",
        per_sd_estimate=np.nan,
        per_sd_ci_low=np.nan,
        per_sd_ci_high=np.nan,
        per_sd_p_value=np.nan,
        sd=np.nan,
        unit="",
        direction=1,
    )
    twin = item.exposure.per_sd
    if twin is not None and item.per_sd_windows is not None:
        dose = estimate(item.per_sd_windows, "continuous", params)
        if dose["status"] == "ok":
            row.update(
                per_sd_measure=twin.key,
                per_sd_estimate=dose["estimate"],
                per_sd_ci_low=dose["ci_low"],
                per_sd_ci_high=dose["ci_high"],
                per_sd_p_value=dose["p_value"],
                sd=item.sd,
                unit=twin.unit,
                direction=twin.direction,
                per_sd_phrase=twin.phrase,
            )
    return row


def assemble_findings(rows: list[dict], params: FindingsParams) -> pd.DataFrame:
    """Rank findings rows, add BH-adjusted p-values, labels and sentences.

    All rows with a p-value form one Benjamini-Hochberg family, weighted
    (``params.primary_share``) towards the pre-specified primary hypotheses;
    ``hypothesis`` says which rows are ``"primary"`` and which
    ``"exploratory"``. Ranking (:func:`rank_order`): by evidence level, strongest
    first, tested rows by adjusted then raw p-value; descriptive-only rows after
    every row with evidence, not ranked by p-value (with so few events it does
    not tell a pattern from chance), but by events.
    """
    if not rows:
        return pd.DataFrame(columns=FINDINGS_COLUMNS)
    frame = pd.DataFrame(rows)
    primary = np.array(
        [is_primary(c, e) for c, e in zip(frame["cramp_type"], frame["exposure"])], dtype=bool
    )
    p_values = frame["p_value"].to_numpy(dtype=float)
    weights = family_weights(primary, ~np.isnan(p_values), params.primary_share)
    frame["p_adjusted"] = bh_adjust(p_values, weights if params.primary_share is not None else None)
    frame["hypothesis"] = np.where(primary, "primary", "exploratory")
    frame["descriptive_only"] = frame["n_events"].astype(int) < params.descriptive_below_events
    frame["evidence"] = evidence_levels(frame, params.descriptive_below_events)
    sentences = []
    for rec in frame.to_dict("records"):
        if rec["kind"] == "rate_ratio":
            sentences.append(rate_sentence(dict(rec, evidence=rec["evidence"])))
        else:
            sentences.append(finding_sentence(rec, params.confidence_level))
    frame["sentence"] = sentences
    frame["overlaps"] = ""
    frame = frame.iloc[rank_order(frame)].reset_index(drop=True)
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame[FINDINGS_COLUMNS]


def rank_order(findings: pd.DataFrame) -> np.ndarray:
    """Row positions of ``findings`` in ranked order.

    Evidence level first (``EVIDENCE_LEVELS``: clear, suggestive, none,
    descriptive only). Rows with evidence are then ordered by adjusted and raw
    p-value, tested rows before untested ones. Descriptive-only rows are too
    few to tell a pattern from chance, so their p-values do not order them:
    rows with an estimate first, then by events (most first), primary before
    exploratory hypotheses, and by label.
    """
    level = findings["evidence"].map({e: i for i, e in enumerate(EVIDENCE_LEVELS)})
    descriptive = (findings["evidence"] == "descriptive_only").to_numpy()
    p_adjusted = findings["p_adjusted"].to_numpy(dtype=float)
    p_value = findings["p_value"].to_numpy(dtype=float)
    keys = pd.DataFrame(
        {
            "level": level.to_numpy(),
            "untested": np.isnan(p_value),
            "p_adjusted": np.where(descriptive, 0.0, p_adjusted),
            "p_value": np.where(descriptive, 0.0, p_value),
            "n_events": -findings["n_events"].astype(int).to_numpy(),
            "exploratory": (findings["hypothesis"] != "primary").to_numpy(),
            "label": findings["label"].astype(str).to_numpy(),
        }
    )
    return keys.sort_values(list(keys.columns), kind="stable").index.to_numpy()


def _notes(
    cramps: pd.DataFrame,
    designs: dict[str, Design],
    findings: pd.DataFrame,
    n_dropped_time: int,
    params: FindingsParams,
) -> list[str]:
    notes = []  # no cramps at all: the summary says so, a note would repeat it
    counts = cramps["cramp_type"].value_counts()
    for cramp_type in CRAMP_TYPES:
        n = int(counts.get(cramp_type, 0))
        noun = TYPE_NOUNS[cramp_type][0]
        if n and n < params.descriptive_below_events:
            notes.append(f"{noun}: only {n} logged, so every comparison is descriptive only.")
        design = designs.get(cramp_type)
        if design is not None and design.n_outside:
            notes.append(
                f"{noun}: {design.n_outside} fell on days outside the recorded data "
                "and could not be compared."
            )
        if design is not None and design.n_not_at_risk:
            where = (
                "days without a recorded session"
                if cramp_type == "exercise"
                else "days without any device data"
            )
            notes.append(
                f"{noun}: {design.n_not_at_risk} fell on {where}, so what preceded them is "
                "unknown and they were not compared."
            )
        if design is not None and design.n_without_session:
            notes.append(
                f"{noun}: on {design.n_without_session} day(s) the cramps were in or just after "
                "none of the recorded sessions, so they were not compared."
            )
        if design is not None and "cut_short" in design.windows.columns:
            cut = int(design.windows.loc[design.windows["is_case"], "cut_short"].sum())
            if cut:
                notes.append(
                    f"{noun}: {cut} came within {CUT_SHORT_S / 60:.0f} minutes of the end of "
                    "their session, which may have stopped because of them. Those sessions "
                    "count with the length recorded, shorter than planned if the cramp ended "
                    "them: that can hide a link between longer sessions and cramps, or make "
                    "longer sessions look protective, but cannot create a link."
                )
    other = int(counts.get("other", 0))
    if other:
        notes.append(
            f"{other} cramp(s) at rest in the daytime or without a context are counted "
            "and described but not compared with training or sleep."
        )
    if n_dropped_time:
        notes.append(f"{n_dropped_time} cramp(s) without a start time were left out.")
    note = medication_note(findings)
    if note:
        notes.append(note)
    return notes


def analyze_athlete(
    daily: pd.DataFrame,
    cramps: pd.DataFrame,
    medications: pd.DataFrame | None = None,
    samples_for: Callable[[str], pd.DataFrame] | None = None,
    timezone: str = "UTC",
    params: FindingsParams | None = None,
    *,
    sleep_need_h: float | None = None,
    sessions: pd.DataFrame | None = None,
) -> AthleteFindings:
    """Run the full findings analysis for one athlete.

    Parameters
    ----------
    daily : pandas.DataFrame
        The indicators' daily table: one row per local date, a ``date`` column
        and indicator columns (``load``, ``acwr_ewma``, ``tsb``,
        ``sleep_asleep_min``...); missing is ``NaN``.
    cramps : pandas.DataFrame
        Canonical cramps table (``start_utc`` tz-aware UTC, ``context``...).
    medications : pandas.DataFrame, optional
        Canonical medications table.
    samples_for : callable, optional
        ``samples_for(activity_id) -> samples`` for the in-session context.
    timezone : str
        The athlete's IANA time zone (local days and nights).
    params : FindingsParams, optional
        Thresholds, windows and conventions (defaults documented there).
    sleep_need_h : float, optional
        The athlete's sleep need, for the short-sleep threshold [h].
    sessions : pandas.DataFrame, optional
        Per-session indicators (``analyzer.indicators.sessions_table``): exercise
        cramps are then compared through the session they happened in
        (:mod:`analyzer.findings.sessions`); without it, through their day.

    Returns
    -------
    AthleteFindings
    """
    return _analyze(
        daily,
        cramps,
        medications,
        samples_for,
        timezone,
        params or FindingsParams(),
        sleep_need_h,
        sessions,
    )[0]


def _analyze(
    daily, cramps, medications, samples_for, timezone, params, sleep_need_h, sessions=None
) -> tuple[AthleteFindings, list[ExposureWindows]]:
    """:func:`analyze_athlete`, also returning the matched windows (for squad pooling)."""
    prepared = prepare_daily(daily)
    n_logged = 0 if cramps is None else len(cramps)
    events = cramp_index_days(
        cramps if cramps is not None else pd.DataFrame(), timezone, params.night_cutoff_hour
    )
    items, designs = athlete_windows(prepared, events, medications, params, sleep_need_h, sessions)
    rows = [finding_row(item, params) for item in items]
    rates = medication_rate_ratios(prepared, events, medications, params)
    findings = assemble_findings(rows + rate_rows(rates), params)
    overlaps = find_overlaps(items, findings)
    findings["overlaps"] = overlap_column(findings, overlaps)
    epochs = epochs_table(
        prepared,
        designs,
        params.epoch_lag_min_days,
        params.epoch_lag_max_days,
        params.n_permutations,
        params.seed,
    )
    n_cramps = {k: int(v) for k, v in events["cramp_type"].value_counts().items()}
    result = AthleteFindings(
        findings=findings,
        epochs=epochs,
        rate_ratios=rates,
        in_session=in_session_table(events, samples_for),
        relief=relief_table(events),
        notes=_notes(events, designs, findings, n_logged - len(events), params)
        + [o.sentence() for o in overlaps]
        + journal_notes(prepared, params),
        method=method_note(params),
        conventions=conventions(params, timezone, sleep_need_h),
        n_cramps=n_cramps,
        summary=summary_text(
            findings,
            n_cramps,
            params.descriptive_below_events,
            overlaps,
            extra_clear=excursion_clauses(epochs),
        ),
    )
    return result, items
