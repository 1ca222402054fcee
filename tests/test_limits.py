"""One set of limits per logged value: the log readers and the dashboard forms agree."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pytest

from analyzer.io.logs import read_cramp_log
from analyzer.limits import CRAMP_DURATION, LIMITS
from tests.helpers.paths import ROOT

CRAMP_HEADER = "start_local,muscle,side,severity_0_10,duration_s,context,relief,notes\n"


@pytest.mark.parametrize("limit", list(LIMITS.values()), ids=list(LIMITS))
def test_each_limit_accepts_its_ends_and_refuses_beyond(limit):
    assert limit.accepts(limit.high)
    assert not limit.accepts(limit.high + limit.step)
    assert not limit.accepts(limit.low - limit.step)
    assert limit.accepts(limit.low) is not limit.low_open
    assert limit.accepts(limit.form_min)
    assert not limit.accepts(math.nan)
    assert limit.column.split("_")[-1] in {"s", "l", "mg", "min", "drinks", "10"}


def test_the_form_offers_a_few_seconds_as_the_log_accepts_them():
    assert CRAMP_DURATION.form_min == 1.0  # a 5-second cramp can be typed in the form
    assert CRAMP_DURATION.accepts(0.5) and not CRAMP_DURATION.accepts(0.0)


def test_the_cramp_log_refuses_what_the_form_cannot_enter():
    over = f"2024-05-12T02:30,calf,left,5,{CRAMP_DURATION.high + 1:g},night,,\n"
    with pytest.raises(Exception, match="duration_s") as refused:
        read_cramp_log("cramps.csv", (CRAMP_HEADER + over).encode(), timezone="UTC")
    assert CRAMP_DURATION.expected in str(refused.value)
    at_limit = f"2024-05-12T02:30,calf,left,5,{CRAMP_DURATION.high:g},night,,\n"
    bundle = read_cramp_log("cramps.csv", (CRAMP_HEADER + at_limit).encode(), timezone="UTC")
    assert bundle.tables["cramps"]["duration_s"].tolist() == [CRAMP_DURATION.high]


def _number_input_bounds(path: Path) -> list[tuple[str, ast.expr | None]]:
    """(key, max_value expression) of every number_input/slider call in a dashboard module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in (
            "number_input",
            "slider",
        ):
            keywords = {k.arg: k.value for k in node.keywords}
            key = keywords.get("key")
            found.append((ast.unparse(key) if key is not None else "?", keywords))
    return found


def test_the_log_forms_take_their_bounds_from_the_shared_limits_not_from_numbers():
    forms = ROOT / "dashboards" / "log_forms.py"
    for key, keywords in _number_input_bounds(forms):
        for bound in ("min_value", "max_value"):
            if bound in keywords:
                assert not isinstance(keywords[bound], ast.Constant), (key, bound)
