"""Our own vectorised FIT reader (numpy), with the profile taken from fitdecode.

Public API: :func:`read_fit` (a :class:`FitFile` with ``messages(name)``,
``warnings``, ``utc_offset_s`` and canonical ``tables``) and
:func:`read_fit_bundle` (an :class:`analyzer.schema.ImportBundle`).
"""

from __future__ import annotations

from .reader import FitFile, read_fit
from .canonical import read_fit_bundle

__all__ = ["FitFile", "read_fit", "read_fit_bundle"]
