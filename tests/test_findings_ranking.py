"""The findings table's ranking: findings with evidence first, descriptive-only ones after.

A descriptive-only row rests on fewer than ``descriptive_below_events`` events,
too few to tell a pattern from chance, so its p-value must not lift it above a
row with evidence, nor order it among the descriptive rows: those come after
every row with evidence, the ones with an estimate first, then by events.
"""

from __future__ import annotations

import numpy as np

from analyzer.findings import FindingsParams
from analyzer.findings.athlete import assemble_findings


def _row(key: str, n_events: int, p_value: float) -> dict:
    """A case-crossover row as ``finding_row`` gives it; the odds ratio is an arbitrary 1.5."""
    tested = not np.isnan(p_value)
    return dict(
        status="ok" if tested else "never_varies",
        cramp_type="nocturnal",
        exposure=key,
        label=key.replace("_", " "),
        kind="binary",
        phrase=key.replace("_", " "),
        estimate=1.5 if tested else np.nan,
        ci_low=0.8 if tested else np.nan,
        ci_high=2.8 if tested else np.nan,
        p_value=p_value,
        n_events=n_events,
        n_referents=10 * n_events,
        exposed_events=n_events // 2,
        lag_days=1,
        method="exact conditional test",
        per_sd_measure="",
        per_sd_estimate=np.nan,
        per_sd_ci_low=np.nan,
        per_sd_ci_high=np.nan,
        per_sd_p_value=np.nan,
        sd=np.nan,
        unit="",
    )


def test_descriptive_rows_come_after_every_row_with_evidence_and_not_by_p_value():
    rows = [
        _row("few_small_p", 5, 0.004),
        _row("few_large_p", 8, 0.9),
        _row("many_no_p", 30, np.nan),
        _row("many_large_p", 40, 0.6),
        _row("many_small_p", 30, 0.03),
        _row("few_no_p", 9, np.nan),
    ]
    findings = assemble_findings(rows, FindingsParams(primary_share=None))
    order = findings["exposure"].tolist()
    assert order == [
        "many_small_p",  # suggestive
        "many_large_p",  # no clear pattern, tested
        "many_no_p",  # no clear pattern, nothing to test
        "few_large_p",  # descriptive only: 8 events
        "few_small_p",  # descriptive only: 5 events, its smaller p does not lift it
        "few_no_p",  # descriptive only, no estimate
    ]
    assert findings["evidence"].tolist()[:3] == ["suggestive", "none", "none"]
    assert findings["rank"].tolist() == [1, 2, 3, 4, 5, 6]
