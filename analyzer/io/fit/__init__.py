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
    ``field_description``), mis-sized fields read as bytes as the SDK does.
``frames``/``components``
    rows of a message type in file order: components (``speed`` ->
    ``enhanced_speed``, accumulated ``compressed_speed_distance`` ->
    ``distance``, ``hr.event_timestamp_12``), compressed-timestamp headers
    with rollover, and the DataFrame.

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
  cached); ``utc_offset_s`` is computed once per file.
"""

from __future__ import annotations

from .reader import FitFile, MessageArrays, read_fit

__all__ = ["FitFile", "MessageArrays", "read_fit"]
