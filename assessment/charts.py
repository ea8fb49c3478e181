"""Radar chart geometry for server-side SVG (the history line chart is in history_chart.py).
Pure: numbers in, coordinates out; templates draw them, so every label passes through the
template engine's escaping."""

import math
from dataclasses import dataclass

# Wide viewBox: long domain names sit left and right of the chart and must not be clipped.
RADAR_WIDTH = 680
RADAR_HEIGHT = 460
RADAR_RADIUS = 150
LABEL_CHARS = 18
RING_VALUES = (20, 40, 60, 80, 100)


@dataclass(frozen=True)
class RadarAxis:
    label: str
    lines: tuple[str, ...]  # the label wrapped to fit beside the chart
    x: float  # end of the spoke
    y: float
    label_x: float
    label_y: float
    anchor: str  # text-anchor: start, middle or end


@dataclass(frozen=True)
class SeriesStyle:
    """Presentation attributes, not CSS classes: WeasyPrint's SVG renderer and browsers both
    honour them. Dashes tell series apart without relying on colour."""

    stroke: str
    fill: str = "none"
    dash: str = ""


CURRENT = SeriesStyle(stroke="#0f5f7a", fill="rgba(15,95,122,0.18)")
TARGET = SeriesStyle(stroke="#495057", dash="6 4")


@dataclass(frozen=True)
class RadarSeries:
    name: str
    style: SeriesStyle
    points: str  # "x,y x,y ..." for <polygon points>
    dots: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Radar:
    width: int
    height: int
    cx: float
    cy: float
    axes: tuple[RadarAxis, ...]
    rings: tuple[tuple[int, str], ...]  # (value, polygon points)
    series: tuple[RadarSeries, ...]


CX, CY = RADAR_WIDTH / 2, RADAR_HEIGHT / 2


def _point(radius: float, index: int, count: int) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count  # first axis points straight up
    return round(CX + radius * math.cos(angle), 1), round(CY + radius * math.sin(angle), 1)


def _polygon(values: list[float], count: int) -> tuple[str, tuple]:
    dots = tuple(
        _point(RADAR_RADIUS * max(0.0, min(100.0, v)) / 100, i, count) for i, v in enumerate(values)
    )
    return " ".join(f"{x},{y}" for x, y in dots), dots


def wrap(label: str, width: int = LABEL_CHARS, most: int = 4) -> tuple[str, ...]:
    """Wrap a label into at most `most` lines of `width` characters; longer words are cut and
    an overlong label ends in an ellipsis (the tables beside the chart show it in full)."""
    words = []
    for word in label.split():
        words += [word[i : i + width] for i in range(0, len(word), width)]
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return tuple(lines) or ("",)


def radar(labels: list[str], series: list[tuple[str, SeriesStyle, list[float | None]]]) -> Radar:
    """`series` is (name, style, one value 0-100 per label; None counts as 0)."""
    count = len(labels)
    axes = []
    for index, label in enumerate(labels):
        x, y = _point(RADAR_RADIUS, index, count)
        lx, ly = _point(RADAR_RADIUS + 16, index, count)
        lines = wrap(label)
        dx, dy = lx - CX, ly - CY
        anchor = "middle" if abs(dx) < 10 else ("start" if dx > 0 else "end")
        # Labels above the centre grow upwards, those below grow downwards.
        top = (
            ly - 13 * (len(lines) - 1)
            if dy < -10
            else (ly + 10 if dy > 10 else ly - 6 * (len(lines) - 1) + 4)
        )
        axes.append(RadarAxis(label, lines, x, y, lx, round(top, 1), anchor))
    rings = tuple((value, _polygon([value] * count, count)[0]) for value in RING_VALUES)
    drawn = []
    for name, style, values in series:
        points, dots = _polygon([v or 0.0 for v in values], count)
        drawn.append(RadarSeries(name, style, points, dots))
    return Radar(RADAR_WIDTH, RADAR_HEIGHT, CX, CY, tuple(axes), rings, tuple(drawn))


# --- benchmark strip --------------------------------------------------------------------------

STRIP_WIDTH = 640
STRIP_LABEL = 200  # left column for the domain name
STRIP_ROW = 40
STRIP_RIGHT = 20
STRIP_TOP = 28  # room for the 0-100 scale


@dataclass(frozen=True)
class StripRow:
    label: str
    y: float  # centre line of the row
    band_x: float | None  # the 25-75 band, None when the domain has no spread
    band_w: float
    median_x: float | None
    whisker: tuple[float, float] | None  # min to max, None when withheld
    marker_x: float | None  # the org's own score
    summary: str  # the row in words, for the SVG's text alternative


@dataclass(frozen=True)
class Strip:
    width: int
    height: int
    x0: float
    x1: float
    ticks: tuple[tuple[int, float], ...]
    rows: tuple[StripRow, ...]


def _strip_x(value: float) -> float:
    return round(STRIP_LABEL + (STRIP_WIDTH - STRIP_LABEL - STRIP_RIGHT) * value / 100, 1)


def benchmark_strip(domains) -> Strip:
    """One row per domain benchmark (assessment.benchmark.DomainBenchmark): the peers' 25-75
    band with the median, whiskers to the min and max when shown, and the org's score as a
    marker. Scores are 0-100."""
    rows = []
    for i, d in enumerate(domains):
        y = STRIP_TOP + STRIP_ROW * i + STRIP_ROW / 2
        s = d.spread
        words = [f"{d.name}: score {'none' if d.score is None else f'{d.score:.1f}'}"]
        if s is not None:
            words.append(f"peers' middle half {s.q1:.0f} to {s.q3:.0f}, median {s.median:.0f}")
            if s.low is not None:
                words.append(f"range {s.low:.0f} to {s.high:.0f}")
        rows.append(
            StripRow(
                label=d.name,
                y=y,
                band_x=_strip_x(s.q1) if s else None,
                band_w=round(_strip_x(s.q3) - _strip_x(s.q1), 1) if s else 0,
                median_x=_strip_x(s.median) if s else None,
                whisker=(_strip_x(s.low), _strip_x(s.high)) if s and s.low is not None else None,
                marker_x=None if d.score is None else _strip_x(d.score),
                summary="; ".join(words),
            )
        )
    return Strip(
        width=STRIP_WIDTH,
        height=int(STRIP_TOP + STRIP_ROW * len(rows) + 8),
        x0=_strip_x(0),
        x1=_strip_x(100),
        ticks=tuple((v, _strip_x(v)) for v in (0, 25, 50, 75, 100)),
        rows=tuple(rows),
    )
