"""Reading table columns as plain numpy arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd


def numeric_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """Column ``name`` as floats: NaN where missing or not a number, all NaN when absent."""
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
