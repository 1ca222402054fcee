"""Vendor activity names to FIT-style sport and sub-sport, so sessions compare across sources."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Vendor activity names (folded) to FIT-style ``(sport, sub_sport)``; others keep their slug
#: as the sport.
_SPORTS: dict[str, tuple[str, str | None]] = {
    "run": ("running", None),
    "running": ("running", None),
    "treadmill running": ("running", "treadmill"),
    "trail running": ("running", "trail"),
    "trail run": ("running", "trail"),
    "indoor running": ("running", "indoor_running"),
    "virtual run": ("running", "virtual_activity"),
    "ride": ("cycling", None),
    "cycling": ("cycling", None),
    "biking": ("cycling", None),
    "road cycling": ("cycling", "road"),
    "mountain biking": ("cycling", "mountain"),
    "mountain bike ride": ("cycling", "mountain"),
    "gravel cycling": ("cycling", "gravel_cycling"),
    "indoor cycling": ("cycling", "indoor_cycling"),
    "virtual ride": ("cycling", "virtual_activity"),
    "spinning": ("cycling", "spin"),
    "swim": ("swimming", None),
    "swimming": ("swimming", None),
    "pool swim": ("swimming", "lap_swimming"),
    "pool swimming": ("swimming", "lap_swimming"),
    "lap swimming": ("swimming", "lap_swimming"),
    "open water swimming": ("swimming", "open_water"),
    "walk": ("walking", None),
    "walking": ("walking", None),
    "hike": ("hiking", None),
    "hiking": ("hiking", None),
    "strength training": ("training", "strength_training"),
    "weight training": ("training", "strength_training"),
    "weightlifting": ("training", "strength_training"),
    "functional fitness": ("training", "strength_training"),
    "traditional strength training": ("training", "strength_training"),
    "functional strength training": ("training", "strength_training"),
    "yoga": ("training", "yoga"),
    "rowing": ("rowing", None),
    "indoor rowing": ("rowing", "indoor_rowing"),
    "elliptical": ("fitness_equipment", "elliptical"),
}


def sport_and_sub_sport(names: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Map vendor activity names to FIT-style sport and sub-sport (unknown names become slugs)."""

    def one(name: object) -> tuple[str | None, str | None]:
        if name is None or (isinstance(name, float) and np.isnan(name)):
            return None, None
        key = " ".join(str(name).casefold().split())
        if key in _SPORTS:
            return _SPORTS[key]
        slug = "_".join(key.replace("-", " ").split())
        return (slug or None), None

    pairs = [one(name) for name in names]
    sport = pd.Series([p[0] for p in pairs], index=names.index, dtype="object")
    sub_sport = pd.Series([p[1] for p in pairs], index=names.index, dtype="object")
    return sport, sub_sport
