"""The chart geometry: scales that include zero, bars above and below the axis, lines, labels."""

from __future__ import annotations

from grants.blueprints.cocommissioning import charts


def test_gridline_steps_are_one_two_or_five_times_a_power_of_ten():
    assert charts.nice_step(100) == 25 or charts.nice_step(100) in {20, 50}
    assert charts.nice_step(1_000_000) == 500_000 or charts.nice_step(1_000_000) == 200_000
    for span in (1, 7, 99, 12_345, 987_654_321):
        step = charts.nice_step(span)
        assert str(step).rstrip("0") in {"1", "2", "5"}
        assert span / step <= 5
    assert charts.nice_step(0) == 1


def test_positive_bars_stand_on_the_axis_and_scale_with_their_values():
    chart = charts.bar_chart(["A", "B"], [[100_000, 50_000]])
    a, b = chart.bars
    assert a.y + a.height == chart.axis_y == b.y + b.height
    assert abs(a.height - 2 * b.height) < 0.2
    assert not chart.has_negative
    assert chart.ticks[0].value == 0 and chart.ticks[-1].value >= 100_000
    assert chart.axis_y == chart.ticks[0].y  # zero at the bottom


def test_negative_bars_hang_below_the_axis_in_red():
    chart = charts.bar_chart(["Gains", "Loses"], [[300, -100]])
    gain, loss = chart.bars
    assert gain.y + gain.height == chart.axis_y
    assert loss.y == chart.axis_y and loss.negative and chart.has_negative
    assert loss.colour == charts.NEGATIVE_COLOUR and gain.colour == charts.SERIES_COLOURS[0]
    assert min(t.value for t in chart.ticks) <= -100 and max(t.value for t in chart.ticks) >= 300
    assert all(charts.TOP <= t.y <= charts.TOP + 220 for t in chart.ticks)


def test_grouped_bars_sit_side_by_side_in_series_colours_and_skip_missing_values():
    chart = charts.bar_chart(["A", "B", "C"], [[1, 2, None], [3, -4, 5]])
    assert len(chart.bars) == 5
    first, second = (bar for bar in chart.bars if bar.group == 0)
    assert second.x > first.x and first.colour != second.colour
    assert [label.x for label in chart.labels] == sorted(label.x for label in chart.labels)
    assert all(chart.left <= bar.x and bar.x + bar.width <= chart.right + 0.2 for bar in chart.bars)


def test_all_zero_values_still_give_a_scale_and_hairline_bars():
    chart = charts.bar_chart(["A"], [[0]])
    assert chart.bars[0].height == 0.5
    assert len(chart.ticks) >= 2


def test_lines_pass_through_each_value_left_to_right():
    chart = charts.line_chart(["50%", "75%", "100%"], [[200, 0, -200], [100, 100, 100]])
    falling, flat = chart.lines
    xs = [x for x, _ in falling.points]
    assert xs == sorted(xs) and xs[0] == chart.left and xs[-1] == chart.right
    assert falling.points[1][1] == chart.axis_y  # 0 is on the axis
    assert falling.points[0][1] < chart.axis_y < falling.points[2][1]
    assert len({y for _, y in flat.points}) == 1
    assert falling.path.startswith(f"{float(chart.left)},{falling.points[0][1]} ")


def test_long_labels_wrap_onto_two_balanced_lines_where_they_do_not_fit():
    assert charts.wrap("Dorset", 100) == ("Dorset",)
    assert charts.wrap("Wiltshire and Swindon", 100) == ("Wiltshire", "and Swindon")
    assert charts.wrap("Devon and Cornwall", 100) == ("Devon and", "Cornwall")
    assert charts.wrap("Devon and Cornwall", 200) == ("Devon and Cornwall",)
    assert charts.wrap("Gloucestershire", 10) == ("Gloucestershire",)  # one word: never split


def test_group_labels_fit_their_groups_which_widen_for_a_long_name():
    names = ["Avon and Somerset", "Devon and Cornwall", "Dorset", "Gloucestershire", "Wiltshire and Swindon"]
    chart = charts.bar_chart(names, [[1, 2, 3, 4, 5]])
    group_width = (chart.right - chart.left) / len(names)
    assert group_width >= charts.text_width("Gloucestershire") + charts.LABEL_GAP - 0.1  # right is to 0.1 unit
    assert chart.width > 640  # wider than asked, rather than the names running together
    for label in chart.labels:
        assert all(line.box[2] - line.box[0] <= group_width - charts.LABEL_GAP + 0.1 for line in label.lines)
    assert [line.text for line in chart.labels[4].lines] == ["Wiltshire", "and Swindon"]
