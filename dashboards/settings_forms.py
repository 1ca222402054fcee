"""Forms of the Settings page: athlete physiology (saved to the library) and conventions."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import streamlit as st

from analyzer.indicators.athlete_settings import SETTING_LABELS
from analyzer.io.localtime import check_zone_name
from analyzer.parameters import ParameterInfo
from dashboards import conventions, ui
from dashboards.state import open_library

#: Physiology fields the form edits, with the step of their input.
PHYSIOLOGY_STEPS = {
    "hr_rest_bpm": 1.0,
    "hr_max_bpm": 1.0,
    "lthr_bpm": 1.0,
    "ftp_w": 1.0,
    "sleep_need_h": 0.25,
}
SEXES = {"f": "female", "m": "male", "unspecified": "not stated (neutral TRIMP constants)"}


def widget_key(athlete_id: str, name: str) -> str:
    """The key of a Settings widget: one per athlete, so that switching athletes never
    leaves the previous athlete's values in the form (and saves them into the new one)."""
    return f"phys_{name}@{athlete_id}"


def _value(row: pd.Series, name: str) -> float | None:
    value = row.get(name)
    return (
        None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
    )


def _label(name: str) -> str:
    label, unit = SETTING_LABELS[name]
    return f"{label} [{unit}]" if unit else label


def _in_use(setting: dict | None, unit: str) -> str:
    if not setting:
        return ""
    value = setting.get("value")
    shown = "not known" if value is None else f"{value:g} {unit}".strip()
    return f"In use: **{ui.literal(shown)}** ({ui.literal(setting.get('source', ''))})"


def settings_table(settings: dict) -> pd.DataFrame:
    """The athlete's settings in use: label, value and where each comes from."""
    rows = []
    for name, setting in settings.items():
        label, unit = SETTING_LABELS.get(name, (name, ""))
        value = setting.get("value")
        if isinstance(value, str):
            shown = SEXES.get(value, value) if name == "sex" else value
        else:
            shown = "not known" if value is None else f"{value:g} {unit}".strip()
        rows.append({"setting": label, "value": shown, "source": setting.get("source", "")})
    return pd.DataFrame(rows)


def physiology_form(ctx: ui.AppContext, settings: dict | None = None) -> None:
    """Edit the selected athlete's physiology; saved to the library on submit.

    ``settings`` are the values in use with their sources (``daily.attrs["athlete_settings"]``):
    each input says what is used when it is left empty (the estimate or the default).
    """
    row = ctx.athletes.set_index("athlete_id").loc[ctx.athlete_id]
    settings = settings or {}
    with st.form(key=f"physiology_{ctx.athlete_id}"):
        st.text_input(
            "Display name",
            value=row.get("display_name") or "",
            key=widget_key(ctx.athlete_id, "display_name"),
        )
        sex = row.get("sex") if row.get("sex") in SEXES else "unspecified"
        st.selectbox(
            _label("sex"),
            list(SEXES),
            index=list(SEXES).index(sex),
            format_func=SEXES.get,
            key=widget_key(ctx.athlete_id, "sex"),
        )
        values = {
            name: _physiology_input(row, name, settings.get(name)) for name in PHYSIOLOGY_STEPS
        }
        _timezone_input(row, settings.get("timezone"))
        submitted = st.form_submit_button("Save physiology")
    if submitted:
        chosen = {
            name: None if st.session_state[widget_key(ctx.athlete_id, f"auto_{name}")] else value
            for name, value in values.items()
        }
        _save_physiology(ctx, chosen)


def _timezone_input(row: pd.Series, setting: dict | None) -> None:
    """The time zone; a default one (filled in at creation) has a "default" box to untick.

    Saving keeps a default zone a default unless it is typed over or the box is unticked.
    """
    default = isinstance(row.get("timezone_origin"), str)
    name, box = st.columns([4, 1], vertical_alignment="bottom")
    name.text_input(
        "Time zone (IANA name, e.g. Europe/Berlin)",
        value=row.get("timezone") or "",
        key=widget_key(row.name, "timezone"),
    )
    if default:
        box.checkbox(
            "default",
            value=True,
            key=widget_key(row.name, "default_timezone"),
            help="Filled in when the athlete was created. Untick (or type another zone) to "
            "keep it as your own.",
        )
        source = (setting or {}).get("source", "default")
        st.caption(f"In use: **{ui.literal(row.get('timezone'))}** ({ui.literal(source)})")


def _timezone_change(row: pd.Series) -> dict:
    """``{"timezone": ...}`` when the form sets a zone, else ``{}`` (a default stays one)."""
    typed = st.session_state[widget_key(row.name, "timezone")].strip() or None
    stored = row.get("timezone") if isinstance(row.get("timezone"), str) else None
    kept_default = st.session_state.get(widget_key(row.name, "default_timezone"), False)
    if typed == stored and (kept_default or not isinstance(row.get("timezone_origin"), str)):
        return {}
    return {"timezone": typed}


def _physiology_input(row: pd.Series, name: str, setting: dict | None) -> float | None:
    """One physiology value: a number, or "automatic" (estimated from the data, or default).

    The number starts at the stored value, or at the value in use when none is stored, so
    that unticking "automatic" keeps the estimate as your own value.
    """
    stored = _value(row, name)
    in_use = (setting or {}).get("value")
    number, automatic = st.columns([4, 1], vertical_alignment="bottom")
    value = number.number_input(
        _label(name),
        value=stored if stored is not None else in_use,
        step=PHYSIOLOGY_STEPS[name],
        format="%.0f" if PHYSIOLOGY_STEPS[name] >= 1 else "%.2f",  # 62 bpm, not 62.00
        key=widget_key(row.name, name),
    )
    automatic.checkbox(
        "automatic",
        value=stored is None,
        key=widget_key(row.name, f"auto_{name}"),
        help="Estimated from your data and re-estimated as new data arrive (or the default "
        "when the data cannot give it). Untick to keep the number as your own value.",
    )
    if stored is None:
        st.caption(_in_use(setting, SETTING_LABELS[name][1]))
    return value


def _save_physiology(ctx: ui.AppContext, values: dict) -> None:
    from analyzer.errors import AnalyzerError

    row = ctx.athletes.set_index("athlete_id").loc[ctx.athlete_id]
    zone = _timezone_change(row)
    if zone.get("timezone") is not None:
        try:
            check_zone_name(zone["timezone"])
        except ValueError as exc:
            ui.error(f"{exc}.")
            return
    changes = {**values, "sex": st.session_state[widget_key(ctx.athlete_id, "sex")], **zone}
    try:
        with open_library(ctx.path) as library:
            library.set_physiology(ctx.athlete_id, **changes)
            name = st.session_state[widget_key(ctx.athlete_id, "display_name")].strip()
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
