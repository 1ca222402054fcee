"""The repository stands alone: no file points to documents a person who clones it does not have.

Formulas, oracle values and format facts cite their papers and specifications where they are
used (numpydoc ``References``, the README's "Methods and references"); the design and research
notes the project was started from live outside the repository and must not be referred to.
"""

from __future__ import annotations

import os
import re

from tests.helpers.paths import ROOT

#: Notes kept outside the repository (spelt in pieces so that this file does not name them).
OUTSIDE_NOTES = re.compile(
    r"\b(?:" + "|".join(("SCI" + "ENCE", "DES" + "IGN", "FOR" + "MATS", "ST" + "YLE")) + r")\.md\b"
    r"|" + "shared" + "/" + "guide"
)
TEXT_SUFFIXES = {".py", ".md", ".toml", ".txt", ".cfg", ".ini", ".yml", ".yaml", ".json", ".csv"}
#: Hidden folders that belong to the project; every other hidden folder is a tool's cache.
PROJECT_HIDDEN = {".ci", ".streamlit"}


def _text_files():
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [
            d
            for d in dirs
            if (not d.startswith(".") or d in PROJECT_HIDDEN)
            and d not in {"__pycache__", "node_modules"}
            and not d.endswith(".egg-info")
        ]
        for name in files:
            path = os.path.join(folder, name)
            suffix = os.path.splitext(name)[1]
            if suffix in TEXT_SUFFIXES or os.path.basename(folder) == ".ci":
                yield path


def test_no_file_refers_to_notes_outside_the_repository():
    found = []
    for path in _text_files():
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                if OUTSIDE_NOTES.search(line):
                    found.append(f"{os.path.relpath(path, ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_the_check_sees_what_it_looks_for():
    assert OUTSIDE_NOTES.search("see " + "SCI" + "ENCE" + ".md section 3.1")
    assert OUTSIDE_NOTES.search("../" + "shared/" + "guide/x")
    assert not OUTSIDE_NOTES.search("FORMATS = [spec]")
    files = {os.path.relpath(p, ROOT) for p in _text_files()}
    assert "README.md" in files and os.path.join(".ci", "run") in files
    assert os.path.join("analyzer", "schema.py") in files
