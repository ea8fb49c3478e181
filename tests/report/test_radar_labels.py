from assessment.charts import LABEL_CHARS, RADAR_WIDTH, radar, wrap


def test_long_words_are_cut_to_the_line_width():
    assert all(
        len(line) <= LABEL_CHARS for line in wrap("Supercalifragilisticexpialidocious-x" * 2)
    )


def test_overlong_label_is_capped_at_four_lines_with_an_ellipsis():
    name = "Customer Lifecycle Management, Renewals, Expansion Revenue and Advocacy Programs, Q4"
    lines = wrap(name)
    assert len(lines) == 4 and lines[-1].endswith("…")


def test_labels_of_long_names_stay_inside_the_viewbox():
    names = ["Customer Lifecycle Management, Renewals, Expansion Revenue and Advocacy " * 2] * 3
    chart = radar(names + ["A" * 37] * 5, [])
    for axis in chart.axes:
        width = 7 * max(len(line) for line in axis.lines)
        left = {"start": axis.label_x, "middle": axis.label_x - width / 2}.get(
            axis.anchor, axis.label_x - width
        )
        assert left >= 0 and left + width <= RADAR_WIDTH
        assert axis.label_y - 12 >= 0 and axis.label_y + 13 * len(axis.lines) <= chart.height
