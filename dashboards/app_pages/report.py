"""Report: download the report (HTML and Markdown) and the data."""

import tempfile
from pathlib import Path

import streamlit as st

from analyzer.findings.report import render_report
from dashboards import conventions, data, ui
from dashboards.state import open_library

ctx = ui.context()
st.title("Report")
st.markdown(
    "A report for you, your coach or your doctor: the method, the data it rests on, the "
    "findings with their uncertainty, and the medication timeline."
)
if not ui.require_athlete(ctx):
    st.stop()

params = conventions.current_params()
document = data.report_document(ctx.path, ctx.version, ctx.athlete_id, params)
ui.data_notes(data.daily(ctx.path, ctx.version, ctx.athlete_id, params))
st.caption(f"{len(document['findings'])} findings, {sum(document['cramps'].values())} cramps.")
columns = st.columns(3)
for column, (fmt, label, mime) in zip(
    columns,
    (
        ("html", "HTML", "text/html"),
        ("md", "Markdown", "text/markdown"),
        ("json", "JSON", "application/json"),
    ),
):
    column.download_button(
        f"Download the report ({label})",
        render_report(document, fmt),
        file_name=f"cramp-report-{ctx.athlete_id}.{fmt}",
        mime=mime,
        key=f"report_{fmt}",
    )
with st.expander("Preview (Markdown)"):
    st.code(render_report(document, "md"), language="markdown")

st.header("The data")
st.caption("A ZIP of the athlete's tables as CSV, with every original file imported.")
if st.button("Prepare the data export", key="prepare_export"):
    with tempfile.TemporaryDirectory() as folder, open_library(ctx.path) as library:
        archive = library.export_athlete(ctx.athlete_id, Path(folder) / f"{ctx.athlete_id}.zip")
        st.session_state["export_zip"] = (ctx.athlete_id, archive.read_bytes())
export = st.session_state.get("export_zip")
if export and export[0] == ctx.athlete_id:
    st.download_button(
        "Download the data (ZIP)",
        export[1],
        file_name=f"{ctx.athlete_id}-data.zip",
        mime="application/zip",
        key="export_download",
    )
