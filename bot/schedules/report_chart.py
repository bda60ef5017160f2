"""The HP report's chart: held HP-punkter per month, stacked by principle, as a PNG (matplotlib).

matplotlib is imported when a chart is drawn, never at import time, and only its
object-oriented API with the Agg canvas is used: no pyplot, no global figure state, no
display, so it is safe in `bot serve`'s threads.
"""

from __future__ import annotations

import io

from bot.errors import ConfigError
from bot.schedules.report import ORDER, Report, principle_title

MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
COLOURS = {"jämställdhet": "#7b3294", "tillgänglighet": "#008837", "icke-diskriminering": "#e66101", "okänd": "#999999"}


def to_png(report: Report) -> bytes:
    """Return the chart of `report` as PNG bytes."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
    except ImportError:  # pragma: no cover - a dependency of the package
        raise ConfigError("matplotlib saknas: installera om paketet (pip install -e .)") from None
    counts = report.held_by_month()
    figure = Figure(figsize=(8, 4.4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    bottom = [0] * 12
    for principle in ORDER:
        heights = [counts[(month, principle)] for month in range(1, 13)]
        if principle == "okänd" and not any(heights):
            continue
        axes.bar(MONTHS, heights, bottom=bottom, label=principle_title(principle), color=COLOURS[principle])
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    where = f", kanal {report.channel}" if report.channel else ""
    axes.set_title(f"Genomförda HP-punkter {report.year} per månad och princip{where}")
    axes.set_ylabel("HP-punkter markerade genomförda")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=4, frameon=False, fontsize="small")
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})  # no version stamp: reproducible
    return out.getvalue()
