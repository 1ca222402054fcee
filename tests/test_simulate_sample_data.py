"""The committed demo squad in sample_data/: layout, formats, planted patterns, decodable files."""

from __future__ import annotations

import hashlib
import io
import json
import warnings
from pathlib import Path

import fitdecode
import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact, norm

from analyzer.io.fit.crc import crc16
from analyzer.simulate.squad import ATHLETE_COLUMNS, TRUTH_DIR, write_squad
from analyzer.simulate.writers import CRAMP_LOG_COLUMNS, MEDICATION_LOG_COLUMNS
from tests.helpers.paths import SAMPLE_DATA

GENERATED = ("README.md", "athletes.csv")  # plus the athlete folders and truth/


@pytest.fixture(scope="module")
def roster() -> pd.DataFrame:
    return pd.read_csv(SAMPLE_DATA / "athletes.csv", keep_default_na=False)


@pytest.fixture(scope="module")
def truths(roster) -> dict[str, dict]:
    return {
        athlete_id: json.loads(
            (SAMPLE_DATA / TRUTH_DIR / f"{athlete_id}.json").read_text(encoding="utf-8")
        )
        for athlete_id in roster["athlete_id"]
    }


def fit_files() -> list[Path]:
    return sorted(p for p in SAMPLE_DATA.rglob("*.fit") if "templates" not in p.parts)


def test_roster(roster):
    assert list(roster.columns) == ATHLETE_COLUMNS
    assert len(roster) >= 4
    assert set(roster["sex"]) <= {"f", "m"}
    zones = set(roster["timezone"])
    assert len(zones) >= 2
    january, july = pd.Timestamp("2026-01-15"), pd.Timestamp("2026-07-15")
    assert any(january.tz_localize(z).utcoffset() != july.tz_localize(z).utcoffset() for z in zones)
    assert (roster["hr_max_bpm"] > roster["lthr_bpm"]).all() and (
        roster["lthr_bpm"] > roster["hr_rest_bpm"]
    ).all()


def test_squad_is_small_enough_to_commit():
    total = sum(p.stat().st_size for p in SAMPLE_DATA.rglob("*") if p.is_file())
    assert total < 25 * 1024 * 1024


def test_each_athlete_has_six_months_of_every_file_kind(roster, truths):
    for athlete_id in roster["athlete_id"]:
        folder = SAMPLE_DATA / athlete_id
        truth = truths[athlete_id]
        assert truth["days"] >= 183
        activities = sorted(
            p.relative_to(folder).as_posix() for p in (folder / "activities").glob("*.fit")
        )
        assert activities == sorted(s["file"] for s in truth["sessions"])
        nights = [n["night"] for n in truth["nights"]]
        assert len(nights) == truth["days"]
        assert sorted(p.name for p in (folder / "sleep").iterdir()) == [
            f"{n}_SLEEP_DATA.fit" for n in nights
        ]
        wellness = sorted(p.name for p in (folder / "wellness").iterdir())
        assert wellness == sorted(
            [f"{n}_WELLNESS.fit" for n in nights] + [f"{n}_HRV_STATUS.fit" for n in nights]
        )


def test_logs_have_the_template_columns_and_match_the_truth(roster, truths):
    for athlete_id in roster["athlete_id"]:
        cramps = pd.read_csv(SAMPLE_DATA / athlete_id / "cramps.csv", keep_default_na=False)
        assert list(cramps.columns) == CRAMP_LOG_COLUMNS
        assert list(cramps["start_local"]) == [
            c["start_local"] for c in truths[athlete_id]["cramps"]
        ]
        # Enough events for the findings engine; up to one night in four for the masters
        # athlete, whose three planted night patterns need that many in seven months.
        assert 15 <= len(cramps) <= 65
        meds = pd.read_csv(SAMPLE_DATA / athlete_id / "medications.csv", keep_default_na=False)
        assert list(meds.columns) == MEDICATION_LOG_COLUMNS


def _table(truth: dict, unit: str, exposure: str) -> list[list[int]]:
    rows = pd.DataFrame(truth[unit])
    exposed, event = rows[exposure].astype(bool), rows["cramp"].astype(bool)
    return [
        [int((exposed & event).sum()), int((exposed & ~event).sum())],
        [int((~exposed & event).sum()), int((~exposed & ~event).sum())],
    ]


def _cmh_greater(truth: dict, unit: str, exposure: str, others: list[str]) -> tuple[float, float]:
    """Mantel-Haenszel odds ratio and one-sided Cochran-Mantel-Haenszel p, within ``others`` strata.

    The masters athlete's nightly model is conditional (hard day, short night and
    the diuretic act together), so each effect is tested within strata of the others
    (Mantel N, Haenszel W. *J Natl Cancer Inst* 1959;22:719-748).
    """
    rows = pd.DataFrame(truth[unit])
    x, y = rows[exposure].astype(bool).to_numpy(), rows["cramp"].astype(bool).to_numpy()
    strata = np.zeros(len(rows), dtype=int)
    for name in others:
        strata = 2 * strata + (rows[name] != 0).to_numpy(dtype=int)
    num = den = observed = expected = variance = 0.0
    for s in np.unique(strata):
        m = strata == s
        n = m.sum()
        a, b = np.sum(x[m] & y[m]), np.sum(x[m] & ~y[m])
        c, d = np.sum(~x[m] & y[m]), np.sum(~x[m] & ~y[m])
        if n < 2:
            continue
        num, den = num + a * d / n, den + b * c / n
        exposed, events = a + b, a + c
        observed += a
        expected += exposed * events / n
        variance += exposed * (n - exposed) * events * (n - events) / (n * n * (n - 1))
    return num / den, float(norm.sf((observed - expected) / np.sqrt(variance)))


def test_planted_patterns_show_in_the_committed_data(truths):
    """The committed draw shows each planted exposure (one-sided p < 0.05) and the null shows none.

    A single planted exposure: Fisher's exact test. Several (the masters athlete's
    nights): each within strata of the others, as the model states them.
    """
    planted = {
        "runner-anna": [("sessions", "above_habit_intensity")],
        "triathlete-dana": [("sessions", "hot")],
    }
    for athlete_id, exposures in planted.items():
        for unit, exposure in exposures:
            odds_ratio, p = fisher_exact(
                _table(truths[athlete_id], unit, exposure), alternative="greater"
            )
            assert p < 0.05 and odds_ratio > 2, (athlete_id, exposure, odds_ratio, p)
    night = ["hard_day_before", "short_night_before", "medication_log_or"]
    for exposure in night[:2]:
        others = [name for name in night if name != exposure]
        odds_ratio, p = _cmh_greater(truths["masters-bernd"], "nights", exposure, others)
        assert p < 0.05 and odds_ratio > 2, ("masters-bernd", exposure, odds_ratio, p)
    null = truths["cyclist-chen"]
    for unit, exposure in [
        ("sessions", "above_habit_intensity"),
        ("sessions", "above_habit_duration"),
        ("nights", "hard_day_before"),
        ("nights", "short_night"),
        ("nights", "short_night_before"),
    ]:
        _, p = fisher_exact(_table(null, unit, exposure))
        assert p > 0.05, exposure


def test_diuretic_course_is_in_the_masters_medication_log(truths):
    meds = pd.read_csv(SAMPLE_DATA / "masters-bernd" / "medications.csv", keep_default_na=False)
    hctz = meds[meds["name"] == "hydrochlorothiazide"].iloc[0]
    nights = pd.DataFrame(truths["masters-bernd"]["nights"])
    on = nights["medication_log_or"] > 0
    first, last = (
        pd.to_datetime(nights.loc[on, "night"]).min(),
        pd.to_datetime(nights.loc[on, "night"]).max(),
    )
    # Exposure is the drug taken the day before the night's wake-up date.
    assert (
        first.date().isoformat() > hctz["start_date"] and last.date().isoformat() > hctz["end_date"]
    )
    rate_on = nights.loc[on, "cramp"].mean()
    rate_off = nights.loc[~on, "cramp"].mean()
    assert rate_on > 1.5 * rate_off


def test_readme_describes_every_athlete(roster):
    text = (SAMPLE_DATA / "README.md").read_text(encoding="utf-8")
    assert "python -m analyzer.simulate.squad --out sample_data" in text
    for athlete_id in roster["athlete_id"]:
        assert f"`{athlete_id}`" in text


def test_every_fit_file_has_a_valid_header_and_crc():
    files = fit_files()
    assert len(files) > 1000
    for path in files:
        data = path.read_bytes()
        assert data[0] == 14 and data[8:12] == b".FIT", path
        assert int.from_bytes(data[4:8], "little") == len(data) - 16, path
        assert crc16(data) == 0, path


def test_every_fit_file_decodes_with_our_reader():
    from analyzer.io.fit import read_fit

    for path in fit_files():
        result = read_fit(path)
        assert not result.warnings, (path, result.warnings)
        kind = path.parent.name
        if kind == "activities":
            assert len(result.messages("record")) > 100 and len(result.messages("session")) == 1
        elif kind == "sleep":
            assert len(result.messages("sleep_level")) > 3
        elif path.name.endswith("_WELLNESS.fit"):
            assert len(result.messages("monitoring_hr_data")) == 1
        else:
            assert len(result.messages("hrv_value")) > 10


@pytest.mark.slow
def test_every_fit_file_decodes_with_fitdecode_without_warnings():
    for path in fit_files():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with fitdecode.FitReader(
                io.BytesIO(path.read_bytes()), check_crc=fitdecode.CrcCheck.RAISE
            ) as reader:
                names = {f.name for f in reader if isinstance(f, fitdecode.FitDataMessage)}
        assert "file_id" in names, path


@pytest.mark.slow
def test_committed_squad_is_what_the_code_builds(tmp_path):
    """Rebuilding with the documented command gives the committed bytes (README, truth included)."""
    write_squad(tmp_path)
    built = {p.relative_to(tmp_path).as_posix(): p for p in tmp_path.rglob("*") if p.is_file()}
    committed = {
        p.relative_to(SAMPLE_DATA).as_posix(): p
        for p in SAMPLE_DATA.rglob("*")
        if p.is_file() and p.relative_to(SAMPLE_DATA).parts[0] != "templates"
    }
    assert sorted(built) == sorted(committed)
    differing = [
        rel
        for rel, path in built.items()
        if hashlib.sha256(path.read_bytes()).digest()
        != hashlib.sha256(committed[rel].read_bytes()).digest()
    ]
    assert differing == []
    assert all(name in built for name in GENERATED)
