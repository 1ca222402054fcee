"""Our own vectorised FIT decoder (numpy), with the profile taken from fitdecode.

Public API
----------
:func:`read_fit(source) <read_fit>`
    ``source`` is a path, bytes or a binary file object. Returns a
    :class:`FitFile` with ``messages(name)`` (a DataFrame per message type),
    ``arrays(name)`` (the same columns as numpy arrays, :class:`MessageArrays`),
    ``message_names()``, ``message_counts()``, ``warnings`` and ``utc_offset_s``.

This package only decodes. The application's canonical tables are built
from a decoded file by :mod:`analyzer.io.fit_tables`.

Design (modules in data-flow order)
-----------------------------------
``walk``
    one pass over the record headers (lean table-driven loop; long runs of
    same-size records found exactly with numpy), header and file CRC-16
    (``crc``, numpy), chained segments, truncation and undefined local types
    (stop, keep what came before, warn).
``decode``/``values``
    all messages of one definition layout at once: one gather of their bytes,
    a numpy structured view, then per field invalid sentinels -> missing,
    ``raw / scale - offset``, enum names, arrays as tuples, strings, bytes,
    sub-fields, developer fields (named, typed and scaled from their
    ``field_description``).
``frames``/``components``/``hr_events``
    rows of a message type in file order: components (``speed`` ->
    ``enhanced_speed``, accumulated ``compressed_speed_distance`` ->
    ``distance``, ``hr.event_timestamp_12``), the beat times of ``hr``
    messages as the FIT SDK dates them, compressed-timestamp headers with
    rollover, and the DataFrame.
``merged``
    a decode of a few wanted columns (``arrays(name, fields)``) of a message
    type with several layouts, as one synthetic layout.
``offsets``
    the device's UTC offset, when it can be one.
``profile``/``profile_arrays``/``plan``
    the FIT profile (from fitdecode; which fields are arrays from the FIT
    SDK), and per layout the decoding plan: mis-sized fields as uint8
    elements, a field defined twice keeps its last valid value, a scalar
    field recorded with several elements keeps the first.

Conventions of ``messages(name)``
---------------------------------
* Column names are the profile's field names (``unknown_<n>`` when the
  profile does not know a field); a sub-field (e.g. ``monitoring.steps`` of
  ``cycles``) is its own column, filled where its reference field selects it,
  while the main field keeps its generic value for every row.
* ``date_time`` fields are tz-aware UTC, ``local_date_time`` fields naive
  wall-clock datetimes. Values below 0x10000000 are seconds since the device
  was switched on (FIT profile), not dates: they are ``NaT`` there and kept
  as integers in ``<field>_relative_s``.
* ``hr.event_timestamp`` holds, per message, the tuple of its beat times in
  float seconds since the FIT epoch (1989-12-31 UTC) at full 1/1024 s
  resolution, the anchor message's own beat included: the sensor's counter
  that the file records is dated from the anchor's ``timestamp`` as the FIT
  SDK does (:mod:`.hr_events`).
* Fields missing in every message of a type (defined but never filled) are
  left out, as the FIT SDK's decoder does.
* Enum names, strings, booleans, tuples and bytes are ``object`` columns of
  Python values, ``None`` where missing (pandas 3 is not asked to infer its
  ``str`` dtype: that conversion cost more than decoding a small file).
* Performance: a file is walked once; a message type is decoded and its
  DataFrame built only when ``messages(name)`` first asks for it (then
  cached); ``arrays(name, fields)`` decodes only the wanted columns, without
  a DataFrame; ``utc_offset_s`` is computed once per file.
"""

from __future__ import annotations

from .reader import MAX_FILE_BYTES, FitFile, MessageArrays, read_fit

__all__ = ["MAX_FILE_BYTES", "FitFile", "MessageArrays", "read_fit"]
