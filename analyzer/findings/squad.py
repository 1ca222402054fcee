"""Findings pooled over a squad (for coaches).

Each athlete keeps their own matched sets (strata are per cramp, so every
comparison stays within one athlete and time-invariant differences between
athletes cancel); stacking the strata of all athletes gives the pooled
conditional likelihood with one common odds ratio per exposure, and the
Mantel-Haenszel estimate over the same strata as a cross-check (for a binary
exposure it approximates the conditional-likelihood estimate: Marshall RJ, Jackson RT.
Analysis of case-crossover designs. *Stat Med* 1993;12:2333-2341). Continuous exposures are
scaled per SD within each athlete.
Medication exposures are personal and are not pooled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzer.findings.athlete import (
    AthleteFindings,
    ExposureWindows,
    _analyze,
    assemble_findings,
    finding_row,
)
from analyzer.findings.casecrossover import Windows
from analyzer.findings.evidence import summary_text
from analyzer.findings.mantel_haenszel import mantel_haenszel_matched
from analyzer.findings.params import FindingsParams


@dataclass
class SquadFindings:
    """Pooled findings, each athlete's own findings, and a roster summary.

    Attributes
    ----------
    findings : pandas.DataFrame
        Pooled findings (same columns as an athlete's, plus ``n_athletes`` and
        ``mh_estimate``), one BH family.
    athletes : dict of str to AthleteFindings
        Each athlete's own analysis.
    roster : pandas.DataFrame
        Per athlete, over all of the athlete's data: cramps by type, training
        hours, exercise-associated cramps per 100 h of training (nocturnal
        cramps are not counted against training time), and the athlete's own
        summary (``summary``).
    summary : str
        One or two sentences on the pooled findings: what stands out across the
        squad, or that nothing does after the number of comparisons made.
    """

    findings: pd.DataFrame
    athletes: dict[str, AthleteFindings]
    roster: pd.DataFrame
    summary: str = ""


def _pool(items: list[tuple[str, ExposureWindows]]) -> ExposureWindows:
    windows = Windows.stack([item.windows for _, item in items])
    twins = [item.per_sd_windows for _, item in items if item.per_sd_windows is not None]
    n_athletes = sum(1 for _, item in items if len(item.windows))
    first = items[0][1]
    return ExposureWindows(
        first.cramp_type,
        first.exposure,
        windows,
        Windows.stack(twins) if twins else None,
        np.nan,
        n_athletes,
    )


def _mh(windows: Windows) -> float:
    if windows.n_events == 0:
        return np.nan
    return mantel_haenszel_matched(*windows.per_event()).odds_ratio


def _roster(athletes: Mapping[str, Mapping], results: dict[str, AthleteFindings]) -> pd.DataFrame:
    rows = []
    for athlete_id, res in results.items():
        daily = athletes[athlete_id]["daily"]
        hours = (
            pd.to_numeric(daily["duration_s"], errors="coerce").sum() / 3600
            if "duration_s" in daily.columns
            else np.nan
        )
        n = sum(res.n_cramps.values())
        rows.append(
            dict(
                athlete_id=athlete_id,
                cramps=n,
                exercise_cramps=res.n_cramps.get("exercise", 0),
                nocturnal_cramps=res.n_cramps.get("nocturnal", 0),
                training_h=hours,
                exercise_cramps_per_100h=(
                    100 * res.n_cramps.get("exercise", 0) / hours if hours and hours > 0 else np.nan
                ),
                summary=res.summary,
            )
        )
    return pd.DataFrame(rows)


def analyze_squad(
    athletes: Mapping[str, Mapping], params: FindingsParams | None = None
) -> SquadFindings:
    """Analyse every athlete, then pool the case-crossover comparisons over the squad.

    Parameters
    ----------
    athletes : mapping of athlete id to mapping
        Each value holds the arguments of :func:`analyze_athlete`: ``daily``,
        ``cramps`` and optionally ``medications``, ``samples_for``,
        ``timezone`` and ``sleep_need_h``.
    params : FindingsParams, optional
        Shared parameters.
    """
    params = params or FindingsParams()
    results, grouped = {}, {}
    for athlete_id, data in athletes.items():
        res, items = _analyze(
            data["daily"],
            data.get("cramps"),
            data.get("medications"),
            data.get("samples_for"),
            data.get("timezone", "UTC"),
            params,
            data.get("sleep_need_h"),
            data.get("sessions"),
        )
        results[athlete_id] = res
        for item in items:
            if item.exposure.key.startswith("medication_started:"):
                continue
            grouped.setdefault((item.cramp_type, item.exposure.key), []).append((athlete_id, item))
    rows = []
    for items in grouped.values():
        pooled = _pool(items)
        row = finding_row(pooled, params)
        row["phrase"] = row["phrase"].replace("your", "their own")
        row["n_athletes"] = pooled.n_athletes
        row["mh_estimate"] = _mh(pooled.windows) if pooled.exposure.kind == "binary" else np.nan
        rows.append(row)
    findings = assemble_findings(rows, params)
    if len(rows):
        extra = pd.DataFrame(rows)[["cramp_type", "exposure", "n_athletes", "mh_estimate"]]
        findings = findings.merge(extra, on=["cramp_type", "exposure"], how="left")
    n_cramps: dict[str, int] = {}
    for res in results.values():
        for cramp_type, n in res.n_cramps.items():
            n_cramps[cramp_type] = n_cramps.get(cramp_type, 0) + n
    summary = summary_text(findings, n_cramps, params.descriptive_below_events)
    summary = summary.replace("your own data", "the squad's own data").replace(
        "your cramps with your own", "the squad's cramps with each athlete's own"
    )
    return SquadFindings(findings, results, _roster(athletes, results), summary)
