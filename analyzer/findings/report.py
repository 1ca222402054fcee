"""The athlete report: method, data coverage, findings, medication timeline.

:func:`report_document` turns an :class:`AthleteFindings` and the athlete's
data into a JSON-ready dict (``findings`` is a list of rows with the keys of
:data:`FINDING_KEYS`); :func:`render_markdown` and :func:`render_html` print it for a
person, e.g. to hand to a physiotherapist or doctor. Nothing here computes a
statistic: it only arranges what ``analyze_athlete`` found.
"""

from __future__ import annotations

import html
import math
import re
from datetime import UTC, datetime

import pandas as pd

from analyzer.findings.athlete import AthleteFindings
from analyzer.findings.evidence import fmt_p
from analyzer.findings.exposure_rules import training_days
from analyzer.findings.params import FindingsParams
from analyzer.indicators.athlete_settings import SETTING_LABELS
from analyzer.indicators.journal import logged_days
from analyzer.indicators.params import IndicatorParams
from analyzer.medication_classes import DOCTOR_ADVICE as MEDICATION_ADVICE
from analyzer.medication_classes import classes_in, with_drug_classes
from analyzer.parameters import parameter_rows
from analyzer.printable import printable

#: Keys of each JSON findings row: what a reader needs first (the effect, its interval and
#: evidence, the event counts, the sentence), then how it was computed.
FINDING_KEYS = [
    "exposure",
    "label",
    "evidence",
    "estimate",
    "ci_low",
    "ci_high",
    "p_value",
    "p_adjusted",
    "n_events",
    "n_referents",
    "descriptive_only",
    "sentence",
    "rank",
    "cramp_type",
    "kind",
    "hypothesis",
    "status",
    "method",
    "overlaps",
    "per_sd_estimate",
    "per_sd_ci_low",
    "per_sd_ci_high",
    "per_sd_p_value",
]

DOCTOR_SENTENCE = (
    "This report shows associations in your own data, not causes or a diagnosis. "
    "If you think a medication may be related to your cramps, discuss it with your "
    "doctor; do not stop or change a medication on the basis of this report."
)


def _clean(value):
    """JSON-safe scalar: NaN and infinities become ``None``; numpy and dates become plain."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _records(frame: pd.DataFrame, keys: list[str] | None = None) -> list[dict]:
    if frame is None or frame.empty:
        return []
    keys = keys or list(frame.columns)
    return [{k: _clean(row.get(k)) for k in keys} for row in frame.to_dict("records")]


def coverage_summary(daily: pd.DataFrame) -> dict:
    """Which data the daily table holds: span and days with each kind of measurement."""
    if daily is None or daily.empty or "date" not in daily.columns:
        return {"days": 0, "first_date": None, "last_date": None}

    def count(column: str) -> int:
        return (
            int(pd.to_numeric(daily[column], errors="coerce").notna().sum())
            if column in daily
            else 0
        )

    dates = pd.to_datetime(pd.Series(daily["date"]).astype(str), errors="coerce")
    training = training_days(daily)  # known load or not
    load = pd.to_numeric(daily["load"], errors="coerce") if "load" in daily else None
    unknown_load = training if load is None else training & load.isna().to_numpy()
    return {
        "days": int(len(daily)),
        "first_date": _clean(dates.min().date()) if dates.notna().any() else None,
        "last_date": _clean(dates.max().date()) if dates.notna().any() else None,
        "days_with_known_load": count("load"),  # rest days with device data count: load 0
        "training_days": int(training.sum()),
        "training_days_without_load": int(unknown_load.sum()),
        "nights_with_sleep": count("sleep_asleep_min"),
        "days_with_resting_hr": count("resting_hr_bpm"),
        "days_with_hrv": count("hrv_lnrmssd"),
        "days_with_daily_log": logged_days(daily)["any"],
    }


def _medication_timeline(medications: pd.DataFrame | None) -> list[dict]:
    """Each logged course with its drug class and, for a class reported with cramps, the note."""
    if medications is None or medications.empty:
        return []
    keys = [k for k in ("name", "kind", "start_date", "end_date", "notes") if k in medications]
    frame = with_drug_classes(medications[keys])
    frame["_start"] = pd.to_datetime(frame.get("start_date"), errors="coerce")
    keys += ["drug_class", "cramp_note"]
    return _records(frame.sort_values("_start").drop(columns="_start"), keys)


def report_document(
    result: AthleteFindings, athlete: dict, daily: pd.DataFrame, medications: pd.DataFrame | None
) -> dict:
    """Everything the report shows, as a JSON-ready dict.

    Parameters
    ----------
    result : AthleteFindings
        Output of :func:`analyzer.findings.analyze_athlete`.
    athlete : mapping
        The athlete's row (``athlete_id``, ``display_name``, ``timezone``...).
    daily : pandas.DataFrame
        The daily table the findings used (for the coverage summary and the
        indicator conventions it records in ``attrs["indicator_params"]``).
    medications : pandas.DataFrame or None
        Canonical medications table (the timeline).
    """
    epochs = result.epochs
    listed = epochs["listed"].astype(bool) if len(epochs) else pd.Series(dtype=bool)
    excursions = epochs.loc[listed] if len(epochs) else epochs
    before = ~epochs["possibly_consequence"].astype(bool) if len(epochs) else listed
    exploratory = (
        int((epochs["outside_pointwise"].astype(bool) & before & ~listed).sum())
        if len(epochs)
        else 0
    )
    return {
        "summary": result.summary,
        "athlete": {k: _clean(v) for k, v in dict(athlete).items()},
        "generated_utc": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "method": result.method,
        "conventions": result.conventions,
        "indicator_conventions": dict(getattr(daily, "attrs", {}).get("indicator_params", {})),
        "athlete_settings": dict(getattr(daily, "attrs", {}).get("athlete_settings", {})),
        "data_notes": list(getattr(daily, "attrs", {}).get("data_notes", [])),
        "coverage": coverage_summary(daily),
        "cramps": result.n_cramps,
        "findings": _records(result.findings, FINDING_KEYS),
        "rate_ratios": _records(result.rate_ratios),
        "medications": _medication_timeline(medications),
        "epoch_excursions": _records(
            excursions,
            [
                "cramp_type",
                "indicator",
                "caption",
                "lag_days",
                "mean",
                "null_mean",
                "familywise_low",
                "familywise_high",
            ],
        ),
        "epoch_curves": int(epochs["n_curves"].iloc[0]) if len(epochs) else 0,
        "epoch_exploratory": exploratory,
        "in_session": _records(result.in_session),
        "relief": _records(result.relief),
        "notes": list(result.notes),
        "medical_note": DOCTOR_SENTENCE,
    }


def settings_rows(settings: dict) -> list[list[str]]:
    """``[label, value, source]`` rows of the athlete's resolved settings."""
    rows = []
    for name, setting in settings.items():
        label, unit = SETTING_LABELS.get(name, (name.replace("_", " "), ""))
        value = setting.get("value")
        text = "not known" if value is None else f"{_fmt(value)} {unit}".strip()
        rows.append([label, text, str(setting.get("source", ""))])
    return rows


def _fmt(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value != 0 and (abs(value) < 0.001 or abs(value) >= 1e4):
            return f"{value:.2e}"
        return (
            f"{value:.{digits}f}".rstrip("0").rstrip(".")
            if "." in f"{value:.{digits}f}"
            else f"{value}"
        )
    return str(value)


FINDING_TABLE = [
    ("rank", "#"),
    ("cramp_type", "cramps"),
    ("label", "exposure"),
    ("evidence", "evidence"),
    ("estimate", "ratio"),
    ("ci_low", "95% CI low"),
    ("ci_high", "95% CI high"),
    ("p_value", "p"),
    ("p_adjusted", "p (BH)"),
    ("n_events", "events"),
    ("n_referents", "control days"),
    ("hypothesis", "hypothesis"),
]

#: Table cells shown as p-values ("< 0.001", never "0").
P_KEYS = ("p_value", "p_adjusted")


def _finding_cell(finding: dict, key: str) -> str:
    """One cell of the findings table; an infinite ratio or upper limit reads "no upper limit".

    The JSON document holds infinities as ``null`` (JSON has none); a ratio with a
    positive lower limit and no upper limit is one whose every comparable cramp was exposed.
    """
    value = finding.get(key)
    if key in P_KEYS:
        return fmt_p(value)
    low = finding.get("ci_low")
    if key in ("estimate", "ci_high") and value is None and finding.get("ci_high") is None:
        if isinstance(low, int | float) and low > 0:
            return "no upper limit"
    return _fmt(value).replace("_", " ")


def _sections(doc: dict) -> list[tuple[str, list]]:
    """Report sections as (title, blocks); a block is a str paragraph or (header, rows) table."""
    athlete = doc["athlete"]
    cov = doc["coverage"]
    sections = [("Summary", [doc["summary"]])] if doc.get("summary") else []
    sections += [
        (
            "About this report",
            [
                f"Athlete: {athlete.get('display_name') or athlete.get('athlete_id')} "
                f"(time zone {athlete.get('timezone') or 'UTC'}). "
                f"Generated {doc['generated_utc']}.",
                doc["medical_note"],
            ],
        ),
    ]
    sections.append(
        (
            "Data coverage",
            [
                (["measure", "value"], [[k.replace("_", " "), _fmt(v)] for k, v in cov.items()]),
                "Cramps logged by type: "
                + (", ".join(f"{k} {v}" for k, v in sorted(doc["cramps"].items())) or "none")
                + ".",
            ],
        )
    )
    if doc.get("data_notes"):
        sections.append(("What is missing or estimated", list(doc["data_notes"])))
    params = doc["conventions"].get("parameters", {})
    method = [doc["method"]]
    if doc.get("athlete_settings"):
        method += [
            "The athlete's physiology, and where each value comes from:",
            (["setting", "value", "source"], settings_rows(doc["athlete_settings"])),
        ]
    if doc.get("indicator_conventions"):
        method += [
            "Indicator conventions:",
            (["parameter", "value"], parameter_rows(IndicatorParams, doc["indicator_conventions"])),
        ]
    method += [
        "Parameters of the comparisons:",
        (["parameter", "value"], parameter_rows(FindingsParams, params)),
    ]
    sections.append(("Method and parameters", method))
    rows = [[_finding_cell(f, k) for k, _ in FINDING_TABLE] for f in doc["findings"]]
    blocks = [f["sentence"] for f in doc["findings"] if f["p_value"] is not None][:10]
    blocks = blocks or ["No comparison could be made yet."]
    if rows:
        blocks.append(([title for _, title in FINDING_TABLE], rows))
    sections.append(("Findings (ranked)", blocks))
    medications = _medication_blocks(doc["medications"])
    shown = set(blocks[:-1] if rows else blocks)
    rates = [
        f["sentence"]
        for f in doc["findings"]
        if f.get("kind") == "rate_ratio" and f["sentence"] not in shown
    ]
    sections.append(("Medication timeline", medications[:1] + rates + medications[1:]))
    if doc.get("epoch_curves"):
        sections.append(("Before the cramps", _epoch_blocks(doc)))
    if doc["in_session"]:
        sections.append(
            ("Exercise cramps inside their sessions", [s["sentence"] for s in doc["in_session"]])
        )
    if doc["relief"]:
        sections.append(("Relief", [r["sentence"] for r in doc["relief"]]))
    if doc["notes"]:
        sections.append(("Notes", list(doc["notes"])))
    return sections


def _medication_blocks(meds: list[dict]) -> list:
    """The timeline table, then one note per drug class reported with cramps.

    :func:`_sections` puts the rate sentences the findings paragraphs leave out
    (those that cannot be compared, or beyond the first ten) after the table.
    """
    if not meds:
        return ["No medications logged."]
    table = (
        ["name", "kind", "drug class", "start", "end"],
        [
            [
                _fmt(m.get("name")),
                _fmt(m.get("kind")),
                _fmt(m.get("drug_class")),
                _fmt(m.get("start_date")),
                _fmt(m.get("end_date")) if m.get("end_date") else "ongoing",
            ]
            for m in meds
        ],
    )
    classes = classes_in(m.get("name") for m in meds)
    return [table, *(c.note() for c in classes)] + ([MEDICATION_ADVICE] if classes else [])


#: Characters that can start Markdown or HTML markup anywhere in a line (CommonMark 0.31, 2.4:
#: any ASCII punctuation may be escaped with a backslash and is then taken literally).
_MD_INLINE = re.compile(r"([\\`*\[\]<>|~!&]|(?<!\w)_|_(?!\w))")
#: What makes a line a heading, quote, list item or rule when it starts it.
_MD_LINE_START = re.compile(r"^(\s*|\s*\d+(?=[.)]))([#>+=.)-])")


def markdown_text(value: object) -> str:
    """``value`` as Markdown that shows exactly its text, never markup (names, notes, sentences).

    Control characters and line breaks are escaped first (:func:`analyzer.printable.printable`),
    so a value is always one line; then every character that could open
    emphasis, a link, code, a table cell or raw HTML is backslash-escaped, and
    so is a heading, quote or list marker at the start.
    """
    text = _MD_INLINE.sub(r"\\\1", printable(str(value)))
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


#: Our own command lines in a paragraph (``set_command`` in analyzer.indicators.missing): kept
#: as code spans. A code span's content is literal text (CommonMark 0.31, 6.1), and one
#: without a backtick, a pipe or a line break cannot close early, split a table row or
#: hold markup, so keeping it cannot let any text inside it, an athlete id included, act.
_OUR_COMMAND = re.compile(r"`(cramp-analyzer [^`|\n]*)`")


def markdown_paragraph(value: object) -> str:
    """A paragraph as Markdown: our own ``cramp-analyzer`` commands as code, all else as text.

    Everything outside those command spans is escaped by :func:`markdown_text`, so a
    name, note, muscle or medication name quoted in a sentence still shows as text.
    """
    text = printable(str(value))
    parts, end = [], 0
    for match in _OUR_COMMAND.finditer(text):
        parts += [markdown_text(text[end : match.start()]), f"`{match.group(1)}`"]
        end = match.end()
    return "".join([*parts, markdown_text(text[end:])])


def _epoch_blocks(doc: dict) -> list:
    """The event-triggered averages that survive their family-wise band, and how many do not."""
    curves, listed = doc["epoch_curves"], doc["epoch_excursions"]
    exploratory = doc.get("epoch_exploratory", 0)
    intro = (
        f"Averages of {curves} daily indicator curves around the cramps were compared with the "
        "same averages on days each cramp could have fallen on (same season; training days for "
        "exercise cramps), as one family. "
    )
    tail = (
        f" {exploratory} average(s) before the cramps left only their pointwise band: "
        "exploratory, shown on the dashboard's Cramps page, not findings."
        if exploratory
        else ""
    )
    if not listed:
        return [intro + "None of them stands out before the cramps." + tail]
    table = (
        ["cramps", "indicator", "days from the cramp", "average", "comparable days", "band"],
        [
            [
                _fmt(e["cramp_type"]),
                _fmt(e["caption"]),
                _fmt(e["lag_days"]),
                _fmt(e["mean"]),
                _fmt(e.get("null_mean")),
                f"{_fmt(e['familywise_low'])} to {_fmt(e['familywise_high'])}",
            ]
            for e in listed
        ],
    )
    parameters = doc.get("conventions", {}).get("parameters", {})
    threshold = parameters.get(
        "descriptive_below_events", FindingsParams().descriptive_below_events
    )
    few = sorted(
        {e["cramp_type"] for e in listed if doc["cramps"].get(e["cramp_type"], 0) < threshold}
    )
    caveat = (
        f" With fewer than {threshold} {' and '.join(few)} cramps these averages are "
        "descriptive only, not findings."
        if few
        else ""
    )
    lead = "These leave the family-wise 95% band before the cramps:"
    return [intro + lead + caveat + tail, table]


def render_markdown(doc: dict) -> str:
    """The report as Markdown; every name, note and value is escaped (:func:`markdown_text`)."""
    athlete = doc["athlete"]
    name = markdown_text(athlete.get("display_name") or athlete.get("athlete_id"))
    lines = [f"# Cramp report: {name}", ""]
    for title, blocks in _sections(doc):
        lines += [f"## {markdown_text(title)}", ""]
        for block in blocks:
            if isinstance(block, str):
                lines += [markdown_paragraph(block), ""]
                continue
            header, rows = block
            lines.append("| " + " | ".join(markdown_text(h) for h in header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(markdown_text(c) for c in row) + " |" for row in rows]
            lines.append("")
    return "\n".join(lines)


def render_html(doc: dict) -> str:
    """The report as a self-contained HTML page (no scripts, no external resources)."""
    esc = html.escape
    athlete = doc["athlete"]
    name = esc(str(athlete.get("display_name") or athlete.get("athlete_id")))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Cramp report: {name}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;"
        "padding:.2em .5em;text-align:left}</style></head><body>",
        f"<h1>Cramp report: {name}</h1>",
    ]
    for title, blocks in _sections(doc):
        parts.append(f"<h2>{esc(title)}</h2>")
        for block in blocks:
            if isinstance(block, str):
                parts.append(f"<p>{esc(block)}</p>")
                continue
            header, rows = block
            parts.append(
                "<table><thead><tr>"
                + "".join(f"<th>{esc(h)}</th>" for h in header)
                + "</tr></thead><tbody>"
            )
            parts += [
                "<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in row) + "</tr>" for row in rows
            ]
            parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def render_report(document: dict, fmt: str = "md") -> str:
    """Render a report document as ``"md"``, ``"html"`` or ``"json"`` text.

    Parameters
    ----------
    document : dict
        Output of :func:`report_document`.
    fmt : {"md", "html", "json"}
        Output format.
    """
    if fmt == "md":
        return render_markdown(document)
    if fmt == "html":
        return render_html(document)
    if fmt == "json":
        import json

        return json.dumps(document, indent=1, allow_nan=False)
    raise ValueError(f"unknown report format {fmt!r} (md, html or json)")
