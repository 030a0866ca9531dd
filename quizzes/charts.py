"""Server-rendered SVG charts: no JavaScript, accessible (a title, a description, a data table).

Colours come from classes styled in instructor.css with the site's custom properties, never from
style attributes (a Content Security Policy forbids inline styles).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 48


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    description: str
    svg: SafeString
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _fmt(value: float | None, suffix: str = "") -> str:
    return "—" if value is None else f"{value:.1f}{suffix}"


def _svg(slug: str, title: str, description: str, body: list[str]) -> SafeString:
    parts = [
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{slug}-title {slug}-desc" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{slug}-title">{escape(title)}</title>',
        f'<desc id="{slug}-desc">{escape(description)}</desc>',
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # every text in it went through escape()


def _x(fraction: float) -> float:
    return LEFT + fraction * (WIDTH - LEFT - RIGHT)


def _y(fraction: float) -> float:
    return HEIGHT - BOTTOM - fraction * (HEIGHT - TOP - BOTTOM)


def _axes(y_ticks: Sequence[tuple[float, str]], x_ticks: Sequence[tuple[float, str]]) -> list:
    body = [
        f'<line class="chart-axis" x1="{LEFT}" y1="{_y(0)}" x2="{WIDTH - RIGHT}" y2="{_y(0)}"/>',
        f'<line class="chart-axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{_y(0)}"/>',
    ]
    for fraction, label in y_ticks:
        y = _y(fraction)
        body.append(
            f'<line class="chart-grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>'
        )
        body.append(
            f'<text class="chart-label" x="{LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{escape(label)}</text>'
        )
    for fraction, label in x_ticks:
        body.append(
            f'<text class="chart-label" x="{_x(fraction):.1f}" y="{_y(0) + 18:.1f}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    return body


def _axis_titles(x_title: str, y_title: str) -> list[str]:
    middle_y = (TOP + HEIGHT - BOTTOM) / 2
    return [
        f'<text class="chart-label chart-axis-title" x="{_x(0.5):.1f}" y="{HEIGHT - 8}" '
        f'text-anchor="middle">{escape(x_title)}</text>',
        f'<text class="chart-label chart-axis-title" x="14" y="{middle_y:.1f}" '
        f'text-anchor="middle" transform="rotate(-90 14 {middle_y:.1f})">{escape(y_title)}</text>',
    ]


def score_distribution(percents: Sequence[float], *, bins: int = 10) -> Chart:
    """A histogram of scores in bands of 100/bins percent (100 % falls in the top band)."""
    counts = [0] * bins
    for percent in percents:
        counts[min(bins - 1, max(0, int(percent * bins // 100)))] += 1
    width = 100 / bins
    bands = [f"{i * width:g}–{(i + 1) * width:g} %" for i in range(bins)]
    tallest = max(counts, default=0) or 1
    body = _axes(
        [(f, f"{round(f * tallest)}") for f in (0, 0.5, 1) if tallest > 1 or f != 0.5],
        [(i / bins, f"{i * width:g}") for i in range(0, bins + 1, 2)],
    )
    slot = (WIDTH - LEFT - RIGHT) / bins
    for index, count in enumerate(counts):
        top = _y(count / tallest)
        body.append(
            f'<rect class="chart-bar" x="{_x(index / bins) + 2:.1f}" y="{top:.1f}" '
            f'width="{slot - 4:.1f}" height="{_y(0) - top:.1f}">'
            f"<title>{escape(bands[index])}: {count}</title></rect>"
        )
    body += _axis_titles("Score (%)", "Attempts")
    busiest = bands[counts.index(max(counts))] if percents else None
    description = (
        f"{len(percents)} attempt{'' if len(percents) == 1 else 's'}; the most common band is "
        f"{busiest}."
        if busiest
        else "No attempts yet."
    )
    title = "Score distribution"
    return Chart(
        slug="score-distribution",
        title=title,
        description=description,
        svg=_svg("score-distribution", title, description, body),
        headers=("Score band", "Attempts"),
        rows=tuple((band, str(count)) for band, count in zip(bands, counts, strict=True)),
    )


def facility_discrimination(
    points: Sequence[tuple[str, float | None, float | None, bool]],
) -> Chart:
    """Facility (x) against discrimination index (y) per question; flagged ones drawn apart.

    points: (label, facility %, discrimination %, flagged). Questions with an undefined figure
    are listed in the table but not drawn.
    """
    body = _axes(
        [(0, "−100"), (0.25, "−50"), (0.5, "0"), (0.6, "20"), (0.75, "50"), (1, "100")],
        [(f / 100, f"{f}") for f in range(0, 101, 20)],
    )
    # The band Moodle calls discriminating best: facility 30-70 %, discrimination 20 % and up.
    body.insert(
        0,
        f'<rect class="chart-zone" x="{_x(0.3):.1f}" y="{_y(1):.1f}" '
        f'width="{_x(0.7) - _x(0.3):.1f}" height="{_y(0.6) - _y(1):.1f}"/>',
    )
    drawn = 0
    for label, facility, discrimination, flagged in points:
        if facility is None or discrimination is None:
            continue
        drawn += 1
        y_fraction = (max(-100.0, min(100.0, discrimination)) + 100) / 200
        css = "chart-point chart-point-flagged" if flagged else "chart-point"
        body.append(
            f'<circle class="{css}" cx="{_x(facility / 100):.1f}" cy="{_y(y_fraction):.1f}" '
            f'r="{6 if flagged else 5}"><title>{escape(label)}: facility {facility:.0f} %, '
            f"discrimination {discrimination:.0f} %</title></circle>"
        )
        body.append(
            f'<text class="chart-label chart-point-label" x="{_x(facility / 100) + 8:.1f}" '
            f'y="{_y(y_fraction) + 4:.1f}">{escape(label)}</text>'
        )
    body += _axis_titles("Facility (%)", "Discrimination index (%)")
    flagged = [label for label, *_, is_flagged in points if is_flagged]
    description = (
        f"{drawn} of {len(points)} questions plotted. The shaded band (facility 30–70 %, "
        "discrimination 20 % or more) is where questions tell students apart best. "
        + (f"Flagged: {', '.join(flagged)}." if flagged else "No question is flagged.")
    )
    title = "Facility against discrimination"
    return Chart(
        slug="facility-discrimination",
        title=title,
        description=description,
        svg=_svg("facility-discrimination", title, description, body),
        headers=("Question", "Facility", "Discrimination index", "Flagged"),
        rows=tuple(
            (label, _fmt(f, " %"), _fmt(d, " %"), "yes" if is_flagged else "")
            for label, f, d, is_flagged in points
        ),
    )


def scores_over_time(points: Sequence[tuple[datetime, float, str]]) -> Chart:
    """A student's scores in time order, evenly spaced: (submitted at, percent, quiz title)."""
    points = sorted(points, key=lambda point: point[0])
    body = _axes([(f / 100, f"{f}") for f in (0, 25, 50, 75, 100)], [])
    count = len(points)
    coordinates = [
        (_x((index + 0.5) / count), _y(point[1] / 100)) for index, point in enumerate(points)
    ]
    if count > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
        body.append(f'<polyline class="chart-line" points="{path}"/>')
    step = max(1, count // 6)
    for index, ((moment, percent, quiz), (x, y)) in enumerate(
        zip(points, coordinates, strict=True)
    ):
        body.append(
            f'<circle class="chart-point" cx="{x:.1f}" cy="{y:.1f}" r="5">'
            f"<title>{escape(quiz)}, {moment:%d %b %Y}: {percent:.0f} %</title></circle>"
        )
        if index % step == 0:
            body.append(
                f'<text class="chart-label" x="{x:.1f}" y="{_y(0) + 18:.1f}" '
                f'text-anchor="middle">{moment:%d %b}</text>'
            )
    body += _axis_titles("Submitted", "Score (%)")
    if count:
        first, last = points[0][1], points[-1][1]
        description = (
            f"{count} attempts from {points[0][0]:%d %b %Y} to {points[-1][0]:%d %b %Y}; "
            f"first score {first:.0f} %, latest {last:.0f} %."
        )
    else:
        description = "No submitted attempts yet."
    title = "Scores over time"
    return Chart(
        slug="scores-over-time",
        title=title,
        description=description,
        svg=_svg("scores-over-time", title, description, body),
        headers=("Submitted", "Quiz", "Score"),
        rows=tuple((f"{m:%d %b %Y %H:%M}", quiz, f"{p:.1f} %") for m, p, quiz in points),
    )
