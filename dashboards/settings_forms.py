"""Forms of the Settings page: athlete physiology (saved to the library) and conventions."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import streamlit as st

from analyzer.io.localtime import check_zone_name
from analyzer.parameters import ParameterInfo
from dashboards import conventions, ui
from dashboards.state import open_library

#: Physiology fields as the form shows them: field -> (label, step).
PHYSIOLOGY_FIELDS = {
    "hr_rest_bpm": ("Resting heart rate [bpm]", 1.0),
    "hr_max_bpm": ("Maximum heart rate [bpm]", 1.0),
    "lthr_bpm": ("Threshold (lactate) heart rate [bpm]", 1.0),
    "ftp_w": ("Functional threshold power [W]", 1.0),
    "sleep_need_h": ("Sleep need [h/night]", 0.25),
}
SEXES = {"f": "female", "m": "male", "unspecified": "not stated (male TRIMP constants)"}


def _value(row: pd.Series, name: str) -> float | None:
    value = row.get(name)
    return (
        None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
    )


def physiology_form(ctx: ui.AppContext) -> None:
    """Edit the selected athlete's physiology; saved to the library on submit."""
    row = ctx.athletes.set_index("athlete_id").loc[ctx.athlete_id]
    with st.form(key=f"physiology_{ctx.athlete_id}"):
        st.text_input("Display name", value=row.get("display_name") or "", key="phys_display_name")
        sex = row.get("sex") if row.get("sex") in SEXES else "unspecified"
        st.selectbox(
            "Sex (chooses the TRIMP constants)",
            list(SEXES),
            index=list(SEXES).index(sex),
            format_func=SEXES.get,
            key="phys_sex",
        )
        values = {}
        for name, (label, step) in PHYSIOLOGY_FIELDS.items():
            values[name] = st.number_input(
                label, value=_value(row, name), step=step, key=f"phys_{name}"
            )
        st.text_input(
            "Time zone (IANA name, e.g. Europe/Berlin)",
            value=row.get("timezone") or "",
            key="phys_timezone",
        )
        submitted = st.form_submit_button("Save physiology")
    if submitted:
        _save_physiology(ctx, values)


def _save_physiology(ctx: ui.AppContext, values: dict) -> None:
    from analyzer.errors import AnalyzerError

    timezone = st.session_state["phys_timezone"].strip() or None
    if timezone is not None:
        try:
            check_zone_name(timezone)
        except ValueError as exc:
            ui.error(f"{exc}.")
            return
    changes = {**values, "sex": st.session_state["phys_sex"], "timezone": timezone}
    try:
        with open_library(ctx.path) as library:
            library.set_physiology(ctx.athlete_id, **changes)
            name = st.session_state["phys_display_name"].strip()
            if (
                name
                and name != ctx.athletes.set_index("athlete_id").loc[ctx.athlete_id, "display_name"]
            ):
                library.rename_athlete(ctx.athlete_id, display_name=name)
    except AnalyzerError as exc:
        ui.error(exc)
        return
    st.success("Saved. Indicators that depend on physiology are recomputed.")


def _widget(info: ParameterInfo):
    """The input of one convention, labelled and explained by its parameter description."""
    key = f"conv_{info.name}"
    label = f"{info.label} [{info.unit}]" if info.unit else info.label
    if info.choices:
        options = list(info.choices)
        return st.selectbox(
            label,
            options,
            index=options.index(info.value),
            format_func=info.choice_label,
            help=info.help,
            key=key,
        )
    if isinstance(info.value, bool):
        return st.checkbox(label, value=info.value, help=info.help, key=key)
    if isinstance(info.value, int):
        return int(
            st.number_input(label, value=info.value, min_value=1, step=1, help=info.help, key=key)
        )
    return float(
        st.number_input(label, value=float(info.value), min_value=0.1, help=info.help, key=key)
    )


def conventions_form(params) -> None:
    """Edit the disputed indicator conventions of this session, and the ACWR variant drawn."""
    offered = conventions.editable(params)
    with st.form(key="conventions"):
        chosen = {info.name: _widget(info) for info in offered}
        variants = list(conventions.ACWR_VARIANTS)
        acwr = st.selectbox(
            "ACWR variant drawn on the Overview",
            variants,
            index=variants.index(conventions.acwr_variant()),
            format_func=conventions.ACWR_VARIANTS.get,
            key="conv_acwr_variant",
        )
        apply, reset = st.columns(2)
        applied = apply.form_submit_button("Apply")
        reset_clicked = reset.form_submit_button("Back to the defaults")
    if reset_clicked:
        conventions.reset_params()
        for name in [*(info.name for info in offered), "acwr_variant"]:
            st.session_state.pop(f"conv_{name}", None)
        st.rerun()
    elif applied:
        try:
            conventions.set_params(replace(params, **chosen))
        except ValueError as exc:
            ui.error(exc)
            return
        conventions.set_acwr_variant(acwr)
        st.success("Applied to this session.")
