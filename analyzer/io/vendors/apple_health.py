"""Apple Health ``export.xml`` (Health app > profile > Export All Health Data), streamed.

Exports reach several gigabytes, so the file is never loaded whole: it is read
with :func:`xml.etree.ElementTree.iterparse` and each top-level element is
cleared as soon as it has been used. What is kept grows with the *data kept*,
not with the file: per-day sums (a few numbers a day), the sleep-stage
intervals (a few dozen a night), the workouts, and heart-rate samples as
compact float arrays (16 bytes each) so that workouts get their heart-rate
stream. ``benchmarks/apple_health.py`` measures time and peak memory.

This module streams the XML (hashing it in the same pass) and hands each
top-level element to :class:`~analyzer.io.vendors.apple_health_records.Collector`,
which keeps what the analyzer uses of each record;
:mod:`analyzer.io.vendors.apple_health_tables` builds the canonical tables from it.

Source conventions (Apple publishes no schema for the export; element and attribute names as
several independent open-source parsers of real exports read them, and HealthKit's identifier
names; no real export is available to the project):

* Dates carry their own UTC offset (``"2024-01-01 23:00:00 -0800"``); no
  athlete time zone is needed. Local dates and nights use the record's offset.
* ``HKQuantityTypeIdentifierHeartRate`` (count/min) -> daily mean and maximum
  in ``wellness`` and, inside a workout, ``samples``;
  ``HKQuantityTypeIdentifierRestingHeartRate`` -> ``wellness.resting_hr_bpm``;
  ``HKQuantityTypeIdentifierHeartRateVariabilitySDNN`` (ms) ->
  ``wellness.hrv_sdnn_ms`` (SDNN, *not* RMSSD).
* ``HKCategoryTypeIdentifierSleepAnalysis`` -> ``sleep_stages`` (Core -> light,
  Deep, REM, Awake; unstaged "Asleep" -> unmeasurable) and one ``sleep`` row
  per night (the local date the night ends: intervals less than an hour apart
  are one sleep period, which belongs to the date of its wake-up, see
  :mod:`analyzer.timebase`; shorter periods ending the same date are naps and
  not counted), taken from the source with the most staged minutes that night
  because watch, phone and apps overlap.
* ``Workout`` -> ``activities`` (durations to s, distances to m, energy to kcal;
  heart rate from ``WorkoutStatistics`` when present).
* ``HKQuantityTypeIdentifierDietaryWater`` (``mL``, ``L``, US or imperial
  fluid ounces or cups, as the logging app stored it) -> the daily log's
  ``fluid_l``: the sum of the day's records, by the local date of each
  record's start, source ``apple_health``; a day without a water record is
  not logged, never 0 L. Every app writing to Health is summed.
"""

from __future__ import annotations

import hashlib
import io
import xml.etree.ElementTree as ET
from typing import BinaryIO

import pandas as pd

from analyzer.errors import ImportFileError
from analyzer.io.formats import FormatSpec
from analyzer.io.vendors.apple_health_records import FORMAT, Collector
from analyzer.io.vendors.apple_health_tables import (
    activity_tables,
    daily_log_table,
    sleep_tables,
    wellness_table,
)
from analyzer.schema import ImportBundle


class _HashingReader(io.RawIOBase):
    """Wrap a binary stream and hash what is read through it (the file's SHA-256, in one pass)."""

    def __init__(self, stream: BinaryIO) -> None:
        super().__init__()
        self._stream = stream
        self.sha256 = hashlib.sha256()
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - io protocol
        chunk = self._stream.read(len(buffer))
        n = len(chunk)
        buffer[:n] = chunk
        self.sha256.update(chunk)
        self.bytes_read += n
        return n


def read_apple_health_stream(
    name: str, stream: BinaryIO, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Stream an Apple Health ``export.xml`` into canonical tables with bounded memory.

    Parameters
    ----------
    name : str
        File name, for messages.
    stream : binary file-like
        The XML, read once from start to end (a file, a ZIP member, a BytesIO).
    timezone : str, optional
        Not needed (Apple dates carry their offset); accepted for a uniform signature.
    valid_rows_only : bool
        Skip implausible records (reported) instead of refusing the file.

    Raises
    ------
    ImportFileError
        If the XML is malformed or not an Apple Health export, or (unless
        ``valid_rows_only``) records hold impossible values; the message gives
        the record number (``row``), type and value.
    """
    hashing = _HashingReader(stream)
    c = Collector(name)
    ordinal = 0
    depth = 0
    root = None
    try:
        for event, element in ET.iterparse(
            io.BufferedReader(hashing, 1 << 20), events=("start", "end")
        ):
            if event == "start":
                depth += 1
                if root is None:
                    root = element
                    if element.tag != "HealthData":
                        raise ImportFileError(
                            name, f"root element <{element.tag}> is not Apple Health's <HealthData>"
                        )
                continue
            depth -= 1
            if depth != 1:
                continue
            ordinal += 1
            if element.tag == "Record":
                c.record(element, ordinal)
            elif element.tag == "Workout":
                c.workout(element, ordinal)
            root.clear()  # drop the finished element (and its children) from the tree
    except ET.ParseError as exc:
        raise ImportFileError(
            name,
            f"the XML is malformed: {exc}",
            offset=hashing.bytes_read,
            recovered=f"{ordinal} elements read before the error; nothing was imported",
        ) from exc
    warnings: list[str] = []
    if c.problems:
        more = c.n_problems - len(c.problems.problems)
        note = f" ({more} more not listed)" if more > 0 else ""
        c.problems.settle(
            pd.DataFrame(index=range(ordinal)), valid_rows_only=valid_rows_only, warnings=warnings
        )
        warnings = [w + note for w in warnings]
    sha = hashing.sha256.hexdigest()
    sleep, stages = sleep_tables(c)
    activities, samples = activity_tables(c, sha)
    tables = {
        "wellness": wellness_table(c),
        "sleep": sleep,
        "sleep_stages": stages,
        "activities": activities,
        "samples": samples,
        "daily_log": daily_log_table(c),
    }
    return ImportBundle(name, sha, FORMAT, {k: v for k, v in tables.items() if len(v)}, warnings)


def read_apple_health(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read an Apple Health ``export.xml`` held in memory (see :func:`read_apple_health_stream`)."""
    return read_apple_health_stream(
        name, io.BytesIO(data), timezone=timezone, valid_rows_only=valid_rows_only
    )


FORMATS = [
    FormatSpec(
        FORMAT,
        "Apple Health export.xml",
        "xml",
        lambda probe: probe.xml_root == "HealthData",
        read_apple_health,
    ),
]
