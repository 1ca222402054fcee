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
