"""Which stream readings are sensor errors rather than measurements.

A power meter now and then records a reading tens of kilowatts high (a strain-gauge glitch
or a corrupted value): one FIT file of the shared samples holds six such readings, up to
47,140 W, in an indoor ride whose device reports a Normalized Power of 259 W. Normalized
Power raises the 30-s rolling mean to the fourth power, so those six seconds alone lift it
to about 890 W, and the session's TSS at the device's threshold power from 94 to over 1,100.
A reading outside
:data:`POWER_LIMITS_W` is therefore no reading at all: it counts as missing everywhere the
stream is used (Normalized Power, TSS, averages, estimates, the session charts), and the
number left out is reported with the session.

References
----------
Gardner AS, Martin DT, Barras M, Jenkins DG, Hahn AG. Power output demands of elite track
sprint cycling. *Int J Perform Anal Sport* 2005;5(3):149-154. (Laboratory peak power of
elite male match sprinters: 1,729-2,282 W, the highest measured in human cycling.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Power outside these limits is not a measurement [W]: no one pedals backwards against a
#: power meter, and 2,500 W lies above the peak power of elite track sprinters
#: (1,729-2,282 W, Gardner et al. 2005).
POWER_LIMITS_W = (0.0, 2500.0)


def implausible_power(power_w) -> np.ndarray:
    """True where a power reading lies outside :data:`POWER_LIMITS_W`.

    A missing reading (NaN) is missing, not implausible.

    Parameters
    ----------
    power_w : array-like
        Power readings [W].

    Returns
    -------
    numpy.ndarray of bool
    """
    power = np.asarray(power_w, dtype=float)
    low, high = POWER_LIMITS_W
    with np.errstate(invalid="ignore"):
        return np.isfinite(power) & ((power < low) | (power > high))


@dataclass(frozen=True)
class PlausibleSamples:
    """A session's samples with implausible readings blanked.

    Attributes
    ----------
    samples : pandas.DataFrame
        The canonical ``samples`` rows, ``power_w`` NaN where it was implausible.
    dropped_power : int
        How many power readings were left out.
    """

    samples: pd.DataFrame
    dropped_power: int

    def note(self) -> str | None:
        """A sentence saying what was left out (None when nothing was)."""
        return dropped_power_note(self.dropped_power)


def dropped_power_note(n_readings: int, where: str = "") -> str | None:
    """The sentence saying that ``n_readings`` power readings were left out (None for none).

    Parameters
    ----------
    n_readings : int
    where : str
        Inserted after the readings, e.g. ``" in 1 session (2021-10-21)"``.
    """
    if not n_readings or n_readings <= 0:
        return None
    low, high = POWER_LIMITS_W
    one = n_readings == 1
    return (
        f"{n_readings} power {'reading' if one else 'readings'} outside "
        f"{low:,.0f}-{high:,.0f} W (above the peak power of elite track sprinters){where} "
        f"{'was' if one else 'were'} left out as sensor errors: they count as missing in the "
        "charts, Normalized Power and TSS."
    )


def plausible_samples(samples: pd.DataFrame) -> PlausibleSamples:
    """Blank the implausible readings of canonical ``samples`` rows (:func:`implausible_power`).

    Parameters
    ----------
    samples : pandas.DataFrame
        Canonical ``samples`` rows (any sessions; without ``power_w`` nothing changes).

    Returns
    -------
    PlausibleSamples
    """
    if "power_w" not in samples.columns or samples.empty:
        return PlausibleSamples(samples, 0)
    bad = implausible_power(pd.to_numeric(samples["power_w"], errors="coerce"))
    if not bad.any():
        return PlausibleSamples(samples, 0)
    return PlausibleSamples(samples.assign(power_w=samples["power_w"].mask(bad)), int(bad.sum()))
