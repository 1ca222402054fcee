"""A figure of panels stacked on one shared x axis, assembled as plain dicts.

Building a plotly figure trace by trace (``make_subplots`` + ``add_trace`` +
``add_shape``) validates every property on every call; for the dashboard's
timeline that took most of a second per redraw. Here traces and shapes are
collected as dicts and the figure is created once at the end without
per-property validation. The tests validate every figure the builders make
(``go.Figure(fig.to_dict())`` raises on any invalid property), so nothing
invalid can slip through unnoticed.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go


class StackedPanels:
    """Collects traces, shapes and axis settings of stacked panels; row 1 is the top panel.

    Parameters
    ----------
    heights : sequence of float
        Relative (or pixel) height of each panel, top to bottom.
    gap : float
        Vertical gap between panels, as a fraction of the plotting area.
    """

    def __init__(self, heights: Sequence[float], gap: float = 0.02) -> None:
        self.n_rows = len(heights)
        total = float(sum(heights)) or 1.0
        usable = 1.0 - gap * (self.n_rows - 1)
        self.domains: list[tuple[float, float]] = []
        top = 1.0
        for height in heights:
            bottom = max(0.0, top - usable * height / total)
            self.domains.append((bottom, top))
            top = bottom - gap
        self.data: list[dict] = []
        self.shapes: list[dict] = []
        self.annotations: list[dict] = []
        self.yaxes: dict[int, dict] = {row: {} for row in range(1, self.n_rows + 1)}

    @staticmethod
    def yref(row: int) -> str:
        """The y axis id of panel ``row`` (``"y"``, ``"y2"``...)."""
        return "y" if row == 1 else f"y{row}"

    def add(self, row: int, trace: dict) -> None:
        """Add a trace (a dict with ``type``) to panel ``row``."""
        self.data.append({**trace, "xaxis": "x", "yaxis": self.yref(row)})

    def y_axis(self, row: int, **settings) -> None:
        """Set properties of panel ``row``'s y axis (``title``, ``autorange``...)."""
        self.yaxes[row].update(settings)

    def band(self, row: int, y0: float, y1: float, colour: str) -> None:
        """A horizontal band across panel ``row`` between ``y0`` and ``y1``."""
        self.shapes.append(
            dict(
                type="rect",
                xref="x domain",
                x0=0,
                x1=1,
                yref=self.yref(row),
                y0=y0,
                y1=y1,
                fillcolor=colour,
                line=dict(width=0),
                layer="below",
            )
        )

    def vline(self, x, colour: str, width: float = 1.0, dash: str = "solid") -> None:
        """A vertical line at ``x`` through every panel."""
        self.shapes.append(
            dict(
                type="line",
                xref="x",
                x0=x,
                x1=x,
                yref="paper",
                y0=0,
                y1=1,
                line=dict(color=colour, width=width, dash=dash),
                layer="below",
            )
        )

    def figure(self, *, x_axis: dict, **layout) -> go.Figure:
        """The finished figure; ``x_axis`` settings apply to the shared x axis at the bottom."""
        axes = {}
        for row in range(1, self.n_rows + 1):
            name = "yaxis" if row == 1 else f"yaxis{row}"
            axes[name] = {"domain": list(self.domains[row - 1]), "anchor": "x", **self.yaxes[row]}
        bottom = self.yref(self.n_rows)
        spec = {
            "data": self.data,
            "layout": {
                **axes,
                "xaxis": {"anchor": bottom, **x_axis},
                "shapes": self.shapes,
                "annotations": self.annotations,
                **layout,
            },
        }
        return go.Figure(spec, skip_invalid=True)
