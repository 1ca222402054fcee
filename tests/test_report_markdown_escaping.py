"""The Markdown report shows names and notes as text, never as markup."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.findings.report import markdown_text, render_markdown
from analyzer.printable import printable

HOSTILE_NAME = "<script>alert(1)</script> **Anna** [x](http://evil) | a\n# Owned\n- item"
HOSTILE_DRUG = "<img src=x onerror=alert(1)>_simva_`statin`"

#: CommonMark 0.31, 2.4: a backslash before ASCII punctuation makes it literal.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape(markdown: str) -> str:
    return _ESCAPED.sub(r"\1", markdown)


def _document() -> dict:
    return {
        "athlete": {"athlete_id": "anna", "display_name": HOSTILE_NAME, "timezone": "UTC"},
        "generated_utc": "2026-01-01T00:00:00+00:00",
        "medical_note": "Talk to your doctor about medication-related cramps.",
        "coverage": {"days": 10},
        "cramps": {"nocturnal": 2},
        "method": "Case-crossover.",
        "conventions": {"parameters": {"pmc_alpha": "1 - exp(-1/tau)"}},
        "findings": [],
        "medications": [
            {"name": HOSTILE_DRUG, "kind": "medication", "start_date": "2025-01-01"},
        ],
        "epoch_excursions": [],
        "in_session": [],
        "relief": [],
        "notes": ["a note with <b>tags</b>\nand a line break"],
    }


def test_names_and_notes_cannot_inject_html_headings_links_or_rows():
    text = render_markdown(_document())
    assert not re.search(r"(?<!\\)[<>]", text)  # no raw HTML: every < and > escaped
    assert not re.search(r"(?<!\\)\]\(", text)  # no link
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert all(line.startswith(("# Cramp report:", "## ")) for line in headings), headings
    assert not any(line.startswith("- ") for line in text.splitlines())
    title = text.splitlines()[0]
    assert unescape(title.removeprefix("# Cramp report: ")) == printable(HOSTILE_NAME)
    drug_rows = [line for line in text.splitlines() if "simva" in line]
    assert len(drug_rows) == 1 and drug_rows[0].count(" | ") == 4  # no forged table cell


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_escaped_text_reads_back_as_the_text(value):
    escaped = markdown_text(value)
    assert "\n" not in escaped
    assert unescape(escaped) == printable(value)
    unescaped_specials = re.sub(r"\\[!-/:-@\[-`{-~]", "", escaped)
    assert not re.search(r"[<>`*\[\]|]", unescaped_specials)


def test_our_commands_stay_code_while_user_text_around_them_is_escaped():
    doc = _document() | {
        "data_notes": [
            "Load is missing: set them on the Settings page or with "
            "`cramp-analyzer athlete --athlete anna --set hr_rest_bpm=VALUE`."
        ],
        "notes": [f"Cramps while taking {HOSTILE_DRUG}; `not ours` stays text."],
    }
    text = render_markdown(doc)
    assert "with `cramp-analyzer athlete --athlete anna --set hr_rest_bpm=VALUE`\\." in text
    (note,) = [line for line in text.splitlines() if line.startswith("Cramps while taking")]
    assert "\\`not ours\\`" in note and "\\<img" in note and "\\`statin\\`" in note
    assert unescape(note) == doc["notes"][0]


def test_an_infinite_ratio_reads_no_upper_limit_in_the_table():
    finding = {
        "rank": 1,
        "cramp_type": "exercise",
        "label": "a hot session",
        "evidence": "clear",
        "estimate": None,  # infinite in the engine; JSON holds no infinity
        "ci_low": 2.5,
        "ci_high": None,
        "p_value": 0.0004,
        "p_adjusted": 0.004,
        "n_events": 12,
        "n_referents": 200,
        "hypothesis": "primary",
        "sentence": "Every comparable cramp day came on days with a hot session.",
    }
    not_estimable = finding | {"rank": 2, "ci_low": None, "p_value": None, "p_adjusted": None}
    text = render_markdown(_document() | {"findings": [finding, not_estimable]})
    (row,) = [line for line in text.splitlines() if line.startswith("| 1 |")]
    assert "| no upper limit | 2.5 | no upper limit | < 0.001 | 0.004 |" in unescape(row), row
    (row,) = [line for line in text.splitlines() if line.startswith("| 2 |")]
    assert "no upper limit" not in row and "| – | – | – |" in row, row


def test_averages_around_few_cramps_are_labelled_descriptive_only():
    doc = _document()  # 2 nocturnal cramps
    doc["epoch_curves"] = 20
    doc["epoch_excursions"] = [
        {
            "cramp_type": "nocturnal",
            "caption": "sleep duration",
            "lag_days": -4,
            "mean": 334.0,
            "null_mean": 478.0,
            "familywise_low": 400.0,
            "familywise_high": 550.0,
        }
    ]
    text = unescape(render_markdown(doc))
    assert "With fewer than 10 nocturnal cramps these averages are descriptive only" in text
    doc["cramps"] = {"nocturnal": 25}
    assert "descriptive only" not in unescape(render_markdown(doc))
