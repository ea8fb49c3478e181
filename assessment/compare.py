"""Side-by-side comparison of several orgs' latest results: a domains × orgs heatmap, an
overlaid radar and the domains where they differ most. Works on snapshots only."""

from dataclasses import dataclass

from assessment import charts
from assessment.scoring import Result
from assessment.snapshot import snapshot_result

MIN_ORGS, MAX_ORGS = 2, 12
# Colour and dash both change from one org to the next, so lines differ without colour too.
PALETTE = ("#0b5ed7", "#d63384", "#198754", "#fd7e14", "#6f42c1", "#0dcaf0")
DASHES = ("", "6 3", "2 3", "10 3 2 3")


@dataclass(frozen=True)
class Cell:
    score: float | None
    stage: int | None


@dataclass(frozen=True)
class HeatRow:
    key: str
    name: str
    cells: tuple[Cell, ...]
    spread: float | None  # highest minus lowest score across the orgs that have one


@dataclass(frozen=True)
class Column:
    org: object
    assessment: object | None
    result: Result | None
    style: charts.SeriesStyle


@dataclass(frozen=True)
class Comparison:
    columns: tuple[Column, ...]
    rows: tuple[HeatRow, ...]
    radar: charts.Radar
    most_different: tuple[HeatRow, ...]


def series_style(index: int) -> charts.SeriesStyle:
    return charts.SeriesStyle(
        stroke=PALETTE[index % len(PALETTE)], dash=DASHES[(index // len(PALETTE)) % len(DASHES)]
    )


def comparison_build(pairs: list[tuple[object, object | None]]) -> Comparison:
    """`pairs` is (org, its latest submitted assessment or None), in display order."""
    columns = []
    domains: dict[str, str] = {}
    for index, (org, assessment) in enumerate(pairs):
        result = snapshot_result(assessment.snapshot) if assessment is not None else None
        for domain in result.domains if result else ():
            domains.setdefault(domain.key, domain.name)
        columns.append(Column(org, assessment, result, series_style(index)))
    rows = []
    for key, name in domains.items():
        cells = []
        for column in columns:
            found = (
                next((d for d in column.result.domains if d.key == key), None)
                if column.result
                else None
            )
            cells.append(Cell(found.score, found.stage) if found else Cell(None, None))
        scores = [c.score for c in cells if c.score is not None]
        spread = round(max(scores) - min(scores), 1) if len(scores) >= 2 else None
        rows.append(HeatRow(key, name, tuple(cells), spread))
    radar = charts.radar(
        [row.name for row in rows],
        [
            (column.org.name, column.style, [cell.score for cell in (r.cells[i] for r in rows)])
            for i, column in enumerate(columns)
            if column.result is not None
        ],
    )
    ranked = sorted((r for r in rows if r.spread is not None), key=lambda r: (-r.spread, r.name))
    return Comparison(tuple(columns), tuple(rows), radar, tuple(ranked[:3]))
