"""The athlete library: one embedded SQLite file, one transaction per imported file.

Public entry points: :class:`Library`, :class:`ImportJob` (the one import
path of the command line, the dashboard and the demo builder),
:class:`ImportResult`, :class:`ImportReport` and :func:`build_demo_library`.

The rules in short (each is detailed in the module named):

* **Storage** (:mod:`.sqlschema`): SQLite with WAL, foreign keys and
  ``synchronous=FULL``; timestamps as integer nanoseconds UTC, dates as ISO
  text; streams as compressed column blobs, one per session; the original
  bytes of every imported file kept under their SHA-256. The schema version is
  recorded and an earlier version is upgraded when the file is opened; opening
  never writes otherwise (:mod:`.libfile`).
* **Imports** (:mod:`.importing`): each file's rows, bytes and history row
  are written in one transaction (or one savepoint of a group commit), so a
  killed process leaves each file wholly in or out. Statuses: ``imported``,
  ``partial`` (stored, with the reader's warnings), ``duplicate`` (same bytes
  already there: nothing changes), ``skipped`` (found in a folder or archive,
  of no kind the analyzer reads) and ``failed`` (only a history row saying why).
  Device files belong to one athlete; a cramp or medication log may be
  imported for several.
* **Same session from two sources** (:mod:`.sessions`): same athlete, starts
  at most 120 s apart and elapsed durations within 10 % -> stored once, the
  richer one (more samples, then more summary fields) kept, the other's extra
  fields filled in and the merge recorded.
* **Overlapping exports** (:mod:`.writer`): nights and days merge per source,
  cramps are identified by athlete, time, muscle and side; medications by
  athlete, name and start date.
* **Cramp links** (:mod:`.linking`): to the session a cramp happened in or
  ended at most 60 min (configurable) before it; nocturnal cramps to their
  night, the local wake-up date. Re-linked whenever sessions, nights or cramps
  arrive.
"""

from analyzer.store.demo import build_demo_library
from analyzer.store.importing import ImportJob, ImportReport, ImportResult
from analyzer.store.library import Library

__all__ = ["ImportJob", "ImportReport", "ImportResult", "Library", "build_demo_library"]
