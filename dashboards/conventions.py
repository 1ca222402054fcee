"""The disputed conventions a user may change, kept per browser session.

The indicator parameters (:class:`analyzer.indicators.params.IndicatorParams`)
are a frozen dataclass; the Settings page edits a copy stored in the session,
and every cached analysis takes it as part of its key, so a change recomputes
what depends on it and nothing else.
"""

from __future__ import annotations

import streamlit as st

from dashboards.sources import api

_PARAMS_KEY = "indicator_params"
_ACWR_KEY = "acwr_variant"

#: ACWR variants the Overview can draw: daily-table column -> label.
ACWR_VARIANTS = {
    "acwr_ewma": "EWMA (Williams et al. 2017)",
    "acwr_rolling_uncoupled": "rolling averages, uncoupled (chronic window before the acute week)",
    "acwr_rolling_coupled": "rolling averages, coupled (acute week inside the chronic window)",
}

#: The conventions shown on the Settings page, in order, with a one-line explanation.
EDITABLE = {
    "trimp_constants": "Banister TRIMP weighting for women: Morton 1990 (0.86·e^1.67x) or GoldenCheetah (0.64·e^1.67x)",
    "trimp_form": "TRIMP from every HR sample, or from the session's average HR",
    "pmc_alpha": "CTL/ATL smoothing factor: 1 − e^(−1/τ) (exponential) or 1/τ (inverse)",
    "ctl_tau_d": "CTL (fitness) time constant [days]",
    "atl_tau_d": "ATL (fatigue) time constant [days]",
    "tsb_convention": "TSB (form) from yesterday's CTL − ATL (next_day) or today's (same_day)",
    "acwr_acute_d": "ACWR acute window [days]",
    "acwr_chronic_d": "ACWR chronic window [days]",
    "ewma_seed": "EWMA-ACWR start value: the first day's load or zero",
    "monotony_ddof": "Monotony SD convention: 1 = sample SD, 0 = population SD",
    "np_warmup": "Normalized Power start: full 30-s windows only, or zero-padded (GoldenCheetah)",
    "rest_day_rule": "When a day without sessions counts as a rest day (load 0)",
    "model_missing_load_as_zero": "Days without any data enter CTL/ATL/EWMA as load 0",
    "baseline_window_d": "Resting HR / HRV personal baseline window [days]",
}


def params_class():
    """The indicator parameter class, or ``None`` until the indicators have landed."""
    return api("analyzer.indicators.params", "IndicatorParams")


def current_params():
    """This session's indicator parameters (the documented defaults until changed)."""
    cls = params_class()
    if cls is None:
        return None
    params = st.session_state.get(_PARAMS_KEY)
    return params if isinstance(params, cls) else cls()


def set_params(params) -> None:
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


def choices(field_name: str) -> tuple | None:
    """The allowed values of a choice field of the parameters, from the params module."""
    module_constants = {
        "trimp_constants": "TRIMP_CONSTANT_VARIANTS",
        "trimp_form": "TRIMP_FORMS",
        "pmc_alpha": "PMC_ALPHAS",
        "tsb_convention": "TSB_CONVENTIONS",
        "ewma_seed": "EWMA_SEEDS",
        "np_warmup": "NP_WARMUPS",
        "rest_day_rule": "REST_DAY_RULES",
    }
    if field_name == "monotony_ddof":
        return (1, 0)
    name = module_constants.get(field_name)
    return api("analyzer.indicators.params", name) if name else None
