"""One Garmin daily FIT file and what the day tables derive from it, each computed once.

The raw day tables, the one-file ``sleep`` and ``wellness`` tables and the
library's assembly all need the same few derived values of a file (its
``sleep_data_info``, UTC offset, day-level samples and sleep stage
intervals). :class:`DayFile` computes each on first use and keeps it beside
the decoded file, for the life of one import of that file.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from analyzer.io.fit import FitFile

from . import garmin_samples, garmin_stages


class DayFile:
    """A decoded FIT file seen as a Garmin daily file.

    Parameters
    ----------
    fit : FitFile
        The decoded file.
    """

    def __init__(self, fit: FitFile) -> None:
        self.fit = fit

    @cached_property
    def has_daily_messages(self) -> bool:
        """Whether the file holds sleep, monitoring, stress or HRV messages (else an activity)."""
        return garmin_samples.has_daily_messages(self.fit)

    @cached_property
    def sleep_data_info(self) -> tuple[pd.Timestamp | None, float | None, float]:
        """:func:`~.garmin_samples.sleep_data_info`: start (UTC), offset [s], epoch [s]."""
        return garmin_samples.sleep_data_info(self.fit)

    @cached_property
    def utc_offset_s(self) -> float | None:
        """The file's UTC offset [s]: the decoder's, else the ``sleep_data_info`` one."""
        return garmin_samples.file_utc_offset_s(self.fit, self.sleep_data_info[1])

    @cached_property
    def sample_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:func:`~.garmin_samples.daily_sample_arrays`: time [ns], kind, value."""
        return garmin_samples.daily_sample_arrays(self.fit, self.utc_offset_s)

    @cached_property
    def samples(self) -> pd.DataFrame:
        """The day-level samples as a table (``t_utc``, ``kind``, ``value``, ``source``)."""
        return garmin_samples.samples_frame(*self.sample_arrays)

    @cached_property
    def stage_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:func:`~.garmin_stages.stage_arrays`: start [ns], end [ns], stage, by start."""
        return garmin_stages.stage_arrays(self.fit, self.sleep_data_info)

    @cached_property
    def stages(self) -> pd.DataFrame:
        """The sleep stage intervals as a table (``start_utc``, ``end_utc``, ``stage``)."""
        return garmin_stages.stages_frame(*self.stage_arrays)


def daily_samples(fit: FitFile) -> pd.DataFrame:
    """The day-level samples of one file (:attr:`DayFile.samples`)."""
    return DayFile(fit).samples


def stage_intervals(fit: FitFile) -> pd.DataFrame:
    """The sleep stage intervals of one file (:attr:`DayFile.stages`)."""
    return DayFile(fit).stages
