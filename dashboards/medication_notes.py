"""An athlete's medications with what each drug class is reported for (Log, Cramps pages)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analyzer.figures.journal import medication_table
from analyzer.medication_classes import DOCTOR_ADVICE, classes_in
from dashboards import ui


def medication_section(medications: pd.DataFrame, key: str) -> None:
    """Draw the medications table, then one note per class reported with cramps, with its source."""
    if medications is None or medications.empty:
        st.write("No medications or supplements logged.")
        return
    st.dataframe(medication_table(medications), hide_index=True, key=key, width="stretch")
    classes = classes_in(medications["name"])
    for drug_class in classes:
        st.markdown("- " + ui.literal(drug_class.note()))
    if classes:
        st.warning(DOCTOR_ADVICE)
