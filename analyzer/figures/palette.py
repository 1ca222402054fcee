"""Colours, marker shapes, text safety and the empty-figure message shared by the figures.

The palette is Okabe & Ito's eight colours (Okabe M, Ito K. *Color Universal
Design*, 2008, https://jfly.uni-koeln.de/color/), distinguishable with
protanopia, deuteranopia and tritanopia. Where colour carries meaning, a
second channel (marker shape, line dash) carries it too.
"""

from __future__ import annotations

import html

import pandas as pd

from analyzer.schema import CONTEXTS, MUSCLES

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Colour of each indicator family, used the same way on every page.
SERIES_COLOURS = {
    "load": OKABE_ITO["blue"],
    "ctl": OKABE_ITO["blue"],
    "atl": OKABE_ITO["vermillion"],
    "tsb": OKABE_ITO["bluish_green"],
    "acwr": OKABE_ITO["reddish_purple"],
    "sleep": OKABE_ITO["sky_blue"],
    "sleep_debt": OKABE_ITO["orange"],
    "resting_hr": OKABE_ITO["vermillion"],
    "hrv": OKABE_ITO["bluish_green"],
    "band": "rgba(128, 128, 128, 0.18)",
    "cramp_line": "rgba(213, 94, 0, 0.35)",
    "neutral": "#555555",
}

_MUSCLE_ORDER = [
    OKABE_ITO["vermillion"],
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["yellow"],
    OKABE_ITO["black"],
]

#: Marker shape per cramp context (the second channel besides colour).
CONTEXT_SYMBOLS = {
    "exercise": "triangle-up",
    "after_exercise": "diamond",
    "night": "circle",
    "rest": "square",
}
UNKNOWN_SYMBOL = "x"


def muscle_colour(muscle: str | None) -> str:
    """Return the Okabe-Ito colour of a muscle group (unknown groups are grey)."""
    if muscle in MUSCLES:
        return _MUSCLE_ORDER[MUSCLES.index(muscle) % len(_MUSCLE_ORDER)]
    return SERIES_COLOURS["neutral"]


def context_symbol(context: str | None) -> str:
    """Return the marker shape of a cramp context."""
    return CONTEXT_SYMBOLS.get(context, UNKNOWN_SYMBOL) if context in CONTEXTS else UNKNOWN_SYMBOL


def plain(value: object) -> str:
    """Return ``value`` as text that plotly shows literally (no markup from user data).

    Plotly interprets a subset of HTML in hover labels and titles (``<a href>``,
    ``<span style>``...). Strings from uploads and logs are escaped here.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    return html.escape(str(value), quote=True)


def say_nothing_to_draw(fig, text: str, *, height: int | None = None):
    """Write ``text`` in the middle of ``fig``, which has nothing to draw, and return it.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure; its annotations are replaced by the message.
    text : str
        Why there is nothing to draw, in plain words.
    height : int, optional
        Figure height [px]; unchanged when not given.
    """
    layout: dict = {
        "annotations": [dict(text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)]
    }
    if height is not None:
        layout["height"] = height
    fig.update_layout(**layout)
    return fig
