"""The disputed conventions a user may change, kept per browser session.

The indicator parameters (:class:`analyzer.indicators.params.IndicatorParams`)
are a frozen dataclass whose fields carry their own label, help, unit and allowed
values (:func:`analyzer.parameters.describe`); the Settings page edits a copy stored
in the session, and every cached analysis takes it as part of its key, so a change
recomputes what depends on it and nothing else.
"""

from __future__ import annotations

import streamlit as st

from analyzer.indicators.params import IndicatorParams
from analyzer.parameters import ParameterInfo, describe

_PARAMS_KEY = "indicator_params"
_ACWR_KEY = "acwr_variant"

#: ACWR variants the Overview can draw: daily-table column -> label.
ACWR_VARIANTS = {
    "acwr_ewma": "EWMA (Williams et al. 2017)",
    "acwr_rolling_uncoupled": "rolling averages, uncoupled (chronic window before the acute week)",
    "acwr_rolling_coupled": "rolling averages, coupled (acute week inside the chronic window)",
}


def editable(params: IndicatorParams) -> list[ParameterInfo]:
    """The conventions the Settings page offers, described by the parameter class itself."""
    return [info for info in describe(params) if info.basic]


def current_params() -> IndicatorParams:
    """This session's indicator parameters (the documented defaults until changed)."""
    params = st.session_state.get(_PARAMS_KEY)
    return params if isinstance(params, IndicatorParams) else IndicatorParams()


def set_params(params: IndicatorParams) -> None:
    """Use ``params`` for this session from now on."""
    st.session_state[_PARAMS_KEY] = params


def reset_params() -> None:
    """Back to the documented defaults."""
    st.session_state.pop(_PARAMS_KEY, None)


def acwr_variant() -> str:
    """The ACWR column the Overview draws."""
    return st.session_state.get(_ACWR_KEY, "acwr_ewma")


def set_acwr_variant(column: str) -> None:
    """Choose the ACWR column the Overview draws."""
    if column not in ACWR_VARIANTS:
        raise ValueError(f"unknown ACWR variant {column!r}")
    st.session_state[_ACWR_KEY] = column
