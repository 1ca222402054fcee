"""Import: upload tracker files, export ZIPs and logs into the library."""

import streamlit as st

from analyzer.errors import AnalyzerError
from analyzer.store.zones import default_timezone
from dashboards import data, ui
from dashboards.importing import STATUS_LABELS, import_uploads
from dashboards.state import open_library, own_library_path

NEW_ATHLETE = "+ a new athlete"
_RESULTS_KEY = "import_results"

ctx = ui.context()
st.title("Import")
st.markdown(
    "Upload several files at once or a whole export ZIP: FIT files (activities, sleep, HRV, "
    "monitoring), vendor CSV/JSON exports (a WHOOP journal, Apple Health water and Garmin "
    "hydration logs fill the daily log), and your cramp, medication and daily logs (CSV templates "
    "in `sample_data/templates/`). Each file is stored whole or not at all; a file already in the "
    "library is reported and changes nothing."
)

target = ctx.library.path if ctx.ready else own_library_path()
if ctx.library.is_demo:
    into_demo = st.radio(
        "Import into",
        [False, True],
        format_func=lambda demo: (
            "the demo library (to try things out)"
            if demo
            else f"a library of my own ({own_library_path()})"
        ),
        key="import_into_demo",
    )
    target = ctx.library.path if into_demo else own_library_path()

roster = ctx.athletes if (ctx.ready and target == ctx.library.path) else None
if roster is None and target.exists():
    with open_library(target) as library:
        roster = library.athletes()
ids = [] if roster is None or roster.empty else roster["athlete_id"].tolist()
default = ids.index(ctx.athlete_id) if ctx.athlete_id in ids else 0
# One selector per target library and sidebar athlete: switching either starts a fresh box on
# the athlete now shown, so that a stale choice never sends files to someone else.
target_key = "current" if ctx.ready and target == ctx.library.path else "own"
athlete_id = st.selectbox(
    "Athlete",
    [*ids, NEW_ATHLETE],
    index=default,
    key=f"import_athlete_{target_key}_{ctx.athlete_id}",
)
new_name = timezone = None
# The zone offered for a new athlete: the browser's, else this computer's. Kept unchanged, it
# is recorded as a default (shown so until the user sets one); typed over, it is their choice.
suggested_zone, suggested_origin = (
    (st.context.timezone, "browser") if st.context.timezone else default_timezone()
)
if athlete_id == NEW_ATHLETE:
    left, mid, right = st.columns(3)
    athlete_id = left.text_input(
        "Athlete id (lower-case letters, digits, - or _)", key="import_new_id"
    ).strip()
    new_name = mid.text_input("Display name", key="import_new_name").strip() or None
    timezone = right.text_input(
        "Time zone (IANA)",
        value=suggested_zone,
        key="import_new_tz",
        help="Kept as offered, it is shown as a default until you set the athlete's time zone "
        "on the Settings page.",
    ).strip()

upload_limit_mb = st.get_option("server.maxUploadSize")
uploads = st.file_uploader("Files or export ZIPs", accept_multiple_files=True, key="upload")
st.caption(
    f"Each upload may be up to {upload_limit_mb:,} MB and is held in memory while it is imported. "
    "A larger export (an Apple Health `export.zip` or `export.xml` often passes a gigabyte) is "
    "imported from the command line instead, which streams it from disk with bounded memory: "
    f"`cramp-analyzer import --library {target} --athlete {athlete_id or 'ID'} path/to/export.zip`"
)
valid_rows_only = st.checkbox(
    "Import the valid rows of a log that has invalid values",
    key="import_valid_rows_only",
    help="Off, a cramp, medication or daily log with any invalid value is refused whole, so that "
    "you can correct it; on, its valid rows are imported and every skipped row is listed.",
)
clicked = st.button("Import", type="primary", key="do_import")
if clicked and not uploads:
    st.warning("Choose some files first.")
elif clicked and not athlete_id:
    st.warning("Give the new athlete an id first.")
elif clicked:
    bar = st.progress(0.0, text="Reading files…")

    def show(done: int, total: int, name: str) -> None:
        bar.progress(done / max(total, 1), text=f"Read {done} of {total}: {ui.literal(name)}")

    try:
        with open_library(target) as library:
            if athlete_id not in ids:
                chosen = timezone and timezone != suggested_zone
                library.ensure_athlete(
                    athlete_id,
                    new_name,
                    timezone=timezone if chosen else suggested_zone,
                    timezone_origin=None if chosen else suggested_origin,
                )
            results = import_uploads(
                library,
                athlete_id,
                [(f.name, f.getvalue()) for f in uploads],
                show,
                valid_rows_only=valid_rows_only,
            )
    except AnalyzerError as exc:
        bar.empty()
        ui.error(exc)
    else:
        bar.empty()
        st.session_state[_RESULTS_KEY] = results
        st.rerun()  # new content version: the sidebar and caches pick up the new data

results = st.session_state.get(_RESULTS_KEY)
if results is not None:
    counts = results["status"].value_counts()
    summary = ", ".join(f"{n} {status}" for status, n in counts.items())
    (st.warning if "failed" in counts else st.success)(f"Last import: {summary}.")
    if results.attrs.get("stopped"):
        st.error(f"The import stopped early: {ui.literal(results.attrs['stopped'])}")
    st.dataframe(results, hide_index=True, key="import_results_table", width="stretch")
    troubled = results[results["status"].isin([STATUS_LABELS["failed"], STATUS_LABELS["partial"]])]
    if len(troubled):
        with st.expander(f"What went wrong, in full ({len(troubled)} files)", expanded=True):
            for message in troubled["message"]:
                st.markdown(f"- {ui.literal(message)}")

if ctx.ready:
    with st.expander("Everything this library has been given"):
        st.dataframe(data.imports(ctx.path, ctx.version), hide_index=True, key="import_history")
