"""Geometry of the history line chart: overall score over time, with the stage bands as guides.

Pure: plain values in, frozen dataclasses out, no Django. The template draws the result with
presentation attributes so browsers and WeasyPrint render the same SVG. Every text position is
computed here and kept inside the viewBox (widths are estimated from the character count, as
the fonts differ between browsers and the PDF renderer).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from assessment.charts import CURRENT, SeriesStyle
from assessment.scoring import STAGE_NAMES

WIDTH = 720
HEIGHT = 340
LEFT = 44  # room for the score ticks ("100")
RIGHT_MARGIN = 92  # room for the stage names beside the bands
TOP = 40  # room for two staggered rows of point labels above a score of 100
BOTTOM_MARGIN = 48  # room for two staggered rows of dates
PAD = 28  # keeps the first and last points off the plot's edges
MIN_STEP = 56  # narrower than this and the chart grows wider instead
STAGGER_BELOW = 96  # points closer than this alternate their labels between two rows
LABEL_FONT = 11
AXIS_FONT = 10
CHAR_WIDTH = 0.62  # average glyph width in em, on the generous side for DejaVu Sans
DEFAULT_THRESHOLDS = (20.0, 40.0, 60.0, 80.0)


@dataclass(frozen=True)
class Label:
    text: str
    x: float  # centre (the template uses text-anchor="middle")
    y: float  # baseline


@dataclass(frozen=True)
class Tick:
    """A horizontal line across the plot at a score; thresholds are drawn dashed."""

    value: float
    y: float
    label: str  # the score, right-aligned left of the plot (text-anchor="end")
    label_x: float
    label_y: float
    is_threshold: bool
    starts: str  # the stage whose lowest score this is ("" for 100)


@dataclass(frozen=True)
class BandLabel:
    """A stage name beside its band of scores (text-anchor="start")."""

    name: str
    x: float
    y: float


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    score: float
    stage_label: Label
    date_label: Label
    title: str  # "3 Jan 2025: 64.5, Strategic", a tooltip and a text alternative


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    ticks: tuple[Tick, ...]
    bands: tuple[BandLabel, ...]
    points: tuple[ChartPoint, ...]
    line: str  # "x,y x,y ..." for <polyline points>
    style: SeriesStyle
    label_font: int = LABEL_FONT
    axis_font: int = AXIS_FONT

    @property
    def thresholds(self) -> tuple[Tick, ...]:
        return tuple(tick for tick in self.ticks if tick.is_threshold)


def text_width(text: str, font_size: float) -> float:
    return len(text) * font_size * CHAR_WIDTH


def _format(value: float) -> str:
    return f"{value:g}"


def _centred(text: str, x: float, y: float, font_size: float, low: float, high: float) -> Label:
    """A label centred on x, moved sideways as little as needed to stay within [low, high]."""
    half = text_width(text, font_size) / 2
    return Label(text, round(min(max(x, low + half), high - half), 1), round(y, 1))


def line_chart(
    points: Sequence[tuple[str, float, str]],
    *,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
) -> LineChart:
    """`points` is (date label, score 0-100, stage name), oldest first.

    Points are spaced evenly rather than by elapsed time: two assessments a day apart would
    otherwise draw on top of each other, and the date under each point says when it was.
    `thresholds` are the lowest scores of Proactive, Predictive, Strategic and Embedded.
    """
    count = len(points)
    plot_width = WIDTH - LEFT - RIGHT_MARGIN
    if count > 1 and (plot_width - 2 * PAD) / (count - 1) < MIN_STEP:
        plot_width = 2 * PAD + (count - 1) * MIN_STEP
    width = int(LEFT + plot_width + RIGHT_MARGIN)
    right = LEFT + plot_width
    bottom = HEIGHT - BOTTOM_MARGIN

    def y_of(score: float) -> float:
        return round(bottom - (bottom - TOP) * max(0.0, min(100.0, score)) / 100, 1)

    floors = (0.0, *(float(t) for t in thresholds), 100.0)
    ticks = tuple(
        Tick(
            value=value,
            y=y_of(value),
            label=_format(value),
            label_x=LEFT - 6,
            label_y=round(y_of(value) + AXIS_FONT * 0.35, 1),
            is_threshold=0 < index < len(floors) - 1,
            starts=STAGE_NAMES.get(index + 1, ""),
        )
        for index, value in enumerate(floors)
    )
    # Each stage name sits in the middle of its band, right of the plot.
    bands = tuple(
        BandLabel(
            STAGE_NAMES[stage],
            right + 8,
            round((y_of(floors[stage - 1]) + y_of(floors[stage])) / 2 + LABEL_FONT * 0.35, 1),
        )
        for stage in STAGE_NAMES
    )

    step = (plot_width - 2 * PAD) / (count - 1) if count > 1 else plot_width
    stagger = count > 1 and step < STAGGER_BELOW
    drawn = []
    for index, (date, score, stage) in enumerate(points):
        x = round(LEFT + plot_width / 2 if count == 1 else LEFT + PAD + index * step, 1)
        y = y_of(score)
        far = stagger and index % 2 == 1
        stage_label = _centred(stage, x, y - (23 if far else 9), LABEL_FONT, LEFT, right)
        date_label = _centred(date, x, bottom + (32 if far else 16), AXIS_FONT, 0, width)
        title = f"{date}: {_format(score)}, {stage}"
        drawn.append(ChartPoint(x, y, score, stage_label, date_label, title))
    line = " ".join(f"{p.x},{p.y}" for p in drawn)
    return LineChart(
        width=width,
        height=HEIGHT,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        ticks=ticks,
        bands=bands,
        points=tuple(drawn),
        line=line,
        style=CURRENT,
    )
