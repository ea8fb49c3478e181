"""The history line chart's geometry (pure: no database)."""

import pytest

from assessment.history_chart import HEIGHT, WIDTH, line_chart
from assessment.scoring import STAGE_NAMES

# Our own estimate of rendered text, independent of the module's: DejaVu Sans averages about
# 0.6 em per character; the vertical extent of a line is ~0.8 em above the baseline.
CHAR_EM = 0.6


def box(text: str, x: float, y: float, font: float, anchor: str) -> tuple[float, ...]:
    width = len(text) * font * CHAR_EM
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return left, y - 0.8 * font, left + width, y + 0.25 * font


def all_boxes(chart) -> list[tuple[str, tuple[float, ...]]]:
    boxes = [
        (t.label, box(t.label, t.label_x, t.label_y, chart.axis_font, "end")) for t in chart.ticks
    ]
    boxes += [(b.name, box(b.name, b.x, b.y, chart.label_font, "start")) for b in chart.bands]
    for p in chart.points:
        s, d = p.stage_label, p.date_label
        boxes.append((s.text, box(s.text, s.x, s.y, chart.label_font, "middle")))
        boxes.append((d.text, box(d.text, d.x, d.y, chart.axis_font, "middle")))
    return boxes


def series(count: int) -> list[tuple[str, float, str]]:
    # Extreme scores (0 and 100) alternate, with the longest stage name and a long date.
    return [
        (f"{10 + i % 19} Sep {2020 + i}", 100.0 if i % 2 else 0.0, "Predictive")
        for i in range(count)
    ]


@pytest.mark.parametrize("count", [0, 1, 2, 3, 8, 15, 40])
def test_every_label_lies_inside_the_view_box(count):
    chart = line_chart(series(count))
    for text, (left, top, right, bottom) in all_boxes(chart):
        assert left >= 0 and right <= chart.width, (text, left, right, chart.width)
        assert top >= 0 and bottom <= chart.height, (text, top, bottom, chart.height)


@pytest.mark.parametrize("count", [2, 3, 8, 15, 40])
def test_point_labels_in_the_same_row_do_not_overlap(count):
    chart = line_chart(series(count))
    for kind in ("stage_label", "date_label"):
        rows: dict[float, list[tuple[float, float]]] = {}
        for p in chart.points:
            label = getattr(p, kind)
            # Rows are told apart by their offset from the point (stage) or the axis (date).
            offset = round(label.y - (p.y if kind == "stage_label" else chart.bottom), 1)
            font = chart.label_font if kind == "stage_label" else chart.axis_font
            left, _, right, _ = box(label.text, label.x, label.y, font, "middle")
            rows.setdefault(offset, []).append((left, right))
        for spans in rows.values():
            for (_, right), (left, _) in zip(spans, spans[1:], strict=False):
                assert right <= left, (kind, count)


def test_points_run_left_to_right_oldest_first_and_scores_map_to_height():
    chart = line_chart([("a", 25.0, "Proactive"), ("b", 100.0, "Embedded"), ("c", 0.0, "Reactive")])
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs) and len(set(xs)) == 3
    assert [p.stage_label.text for p in chart.points] == ["Proactive", "Embedded", "Reactive"]
    assert chart.points[1].y == chart.top and chart.points[2].y == chart.bottom
    assert chart.line == " ".join(f"{p.x},{p.y}" for p in chart.points)
    assert chart.points[0].title == "a: 25, Proactive"


def test_stage_thresholds_are_dashed_guides_and_every_band_is_named():
    chart = line_chart([("a", 50.0, "Predictive")])
    assert [(t.label, t.starts) for t in chart.thresholds] == [
        ("20", "Proactive"),
        ("40", "Predictive"),
        ("60", "Strategic"),
        ("80", "Embedded"),
    ]
    assert [t.label for t in chart.ticks] == ["0", "20", "40", "60", "80", "100"]
    assert [b.name for b in chart.bands] == list(STAGE_NAMES.values())
    ys = [b.y for b in chart.bands]
    assert ys == sorted(ys, reverse=True)  # Reactive at the bottom, Embedded at the top
    floors = zip(chart.ticks, chart.ticks[1:], strict=False)
    for band, (low, high) in zip(chart.bands, floors, strict=True):
        assert high.y < band.y < low.y + chart.label_font  # inside (or on) its own band


def test_custom_thresholds_move_the_guides():
    chart = line_chart([("a", 50.0, "Predictive")], thresholds=(25, 50, 70, 90))
    assert [t.label for t in chart.thresholds] == ["25", "50", "70", "90"]
    fifty = next(t for t in chart.ticks if t.label == "50")
    assert fifty.y == chart.points[0].y


def test_a_single_point_sits_in_the_middle_and_the_chart_keeps_its_size():
    chart = line_chart([("a", 50.0, "Predictive")])
    assert (chart.width, chart.height) == (WIDTH, HEIGHT)
    assert chart.points[0].x == pytest.approx((chart.left + chart.right) / 2, abs=0.1)


def test_many_points_widen_the_chart_instead_of_crowding_it():
    assert line_chart(series(8)).width == WIDTH
    wide = line_chart(series(40))
    assert wide.width > WIDTH
    steps = {round(b.x - a.x, 1) for a, b in zip(wide.points, wide.points[1:], strict=False)}
    assert min(steps) >= 55


def test_scores_outside_0_to_100_are_clamped():
    chart = line_chart([("a", -5.0, "Reactive"), ("b", 130.0, "Embedded")])
    assert chart.points[0].y == chart.bottom and chart.points[1].y == chart.top
