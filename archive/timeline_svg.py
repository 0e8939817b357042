"""The time-scaled overview: a server-rendered SVG, no JavaScript.

One mark per entry at its true place on a 2014–2022 axis: a dot for an exact day, a bar for a
month or an interval, a wide pale band for a season or a year. Approximate and uncertain dates get
a dashed outline, so colour (the organisation) is never the only signal. Marks that would overlap
are stacked in lanes. Each mark links to its entry (``#e-<id>``) and carries a ``<title>``.

Drawn at one unit to a CSS pixel (the page scrolls it sideways on a narrow screen rather than
shrinking it), each mark's link has an invisible target at least 24 × 24 (WCAG 2.2's target
size), and lanes keep those targets apart. Colours are by organisation (``org_colour``), the same
in the marks and the page's key.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from .timeline import Entry, Timeline
from .timeline_relation import AXIS_END, AXIS_START, eras
from .xmltext import xml_safe

WIDTH, PAD = 800, 16
HEADER, LANE, FOOTER = 46, 26, 34
DOT_R, BAR_H, BAND_H, MIN_W, GAP = 5, 8, 12, 6, 1
TARGET = 24  # the smallest target a pointer must hit, in CSS pixels
# One colour per organisation, each at least 4.5:1 on white; other organisations take one of
# the fallbacks by their key, so a colour never depends on what else a filtered view shows.
ORG_COLOURS = {
    "home-office": "#2a5a8a",
    "lancashire-police": "#1d5c3f",
    "lancashire-county-council": "#6b3fa0",
    "nspcc": "#9a3412",
    "iicsa": "#374151",
}
FALLBACK_COLOURS = ("#8a2a5a", "#00607a", "#6b5200", "#4a5d23")
SPAN_DAYS = (AXIS_END - AXIS_START).days + 1
DEFAULT_FILL = "#767676"  # no organisation (events): a lighter grey, 4.5:1 on white


def x_of(day: dt.date) -> float:
    """Where a day sits on the axis (clamped to 2014–2022)."""
    day = min(max(day, AXIS_START), AXIS_END + dt.timedelta(days=1))
    return round(PAD + (day - AXIS_START).days / SPAN_DAYS * (WIDTH - 2 * PAD), 1)


def org_colour(key: str | None) -> str:
    """The colour of an organisation's marks (and of its swatch in the key)."""
    if key is None:
        return DEFAULT_FILL
    if key in ORG_COLOURS:
        return ORG_COLOURS[key]
    return FALLBACK_COLOURS[sum(key.encode()) % len(FALLBACK_COLOURS)]


def extent(entry: Entry) -> tuple[float, float]:
    """The horizontal pixels a mark covers."""
    if entry.date.precision == "day":
        x = x_of(entry.date.earliest)
        return x - DOT_R, x + DOT_R
    x0, x1 = x_of(entry.date.earliest), x_of(entry.date.latest + dt.timedelta(days=1))
    return x0, max(x1, x0 + MIN_W)


def target(entry: Entry) -> tuple[float, float]:
    """The horizontal pixels a mark's link answers on: the mark, widened to at least TARGET."""
    left, right = extent(entry)
    middle, half = (left + right) / 2, max(right - left, TARGET) / 2
    return round(middle - half, 1), round(middle + half, 1)


def assign_lanes(entries: list[Entry]) -> dict[str, int]:
    """Stack marks that would touch into lanes: each takes the first lane free at its left edge."""
    ends: list[float] = []
    lanes: dict[str, int] = {}
    for entry in sorted(entries, key=lambda e: (target(e)[0], e.sort_key)):
        left, right = target(entry)
        lane = next((i for i, end in enumerate(ends) if end + GAP <= left), len(ends))
        if lane == len(ends):
            ends.append(right)
        ends[lane] = right
        lanes[entry.id] = lane
    return lanes


def render_svg(timeline: Timeline, title: str = "Overview of the timeline") -> str:
    """The overview as an SVG document fragment (well-formed XML, whatever the titles hold)."""
    entries = timeline.entries
    lanes = assign_lanes(entries)
    height = HEADER + LANE * max(1, max(lanes.values(), default=0) + 1) + FOOTER
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {WIDTH} {height}",
            "class": "tl-overview-svg",
            "role": "group",
            "aria-labelledby": "tl-overview-title",
        },
    )
    ET.SubElement(
        svg, "title", {"id": "tl-overview-title"}
    ).text = f"{title}: {len(entries)} entries placed on a time axis from 2014 to 2022"
    _eras(svg, timeline, height)
    axis_y = height - FOOTER + 6
    if timeline.hearings_start:
        x = x_of(timeline.hearings_start)
        ET.SubElement(
            svg,
            "line",
            {
                "class": "hearings-line",
                "x1": str(x),
                "x2": str(x),
                "y1": str(HEADER - 4),
                "y2": str(axis_y),
                "stroke": "#7a1f3d",
                "stroke-width": "2",
                "stroke-dasharray": "4 3",
            },
        )
    for entry in entries:
        _mark(svg, entry, HEADER + LANE * lanes[entry.id] + LANE / 2)
    _axis(svg, axis_y)
    # ElementTree writes control characters as they are, which no XML parser reads back.
    return xml_safe(ET.tostring(svg, encoding="unicode"))


def _eras(svg: ET.Element, timeline: Timeline, height: int) -> None:
    group = ET.SubElement(svg, "g", {"class": "eras"})
    hearings = timeline.hearings.date if timeline.hearings else None
    for n, (label, first, last) in enumerate(eras(hearings)):
        x0, x1 = x_of(first), x_of(last + dt.timedelta(days=1))
        era = ET.SubElement(group, "g", {"class": f"era era-{n}"})
        ET.SubElement(era, "title").text = f"{label}: {_words(first)} to {_words(last)}"
        ET.SubElement(
            era,
            "rect",
            {
                "x": str(x0),
                "y": "0",
                "width": str(round(x1 - x0, 1)),
                "height": str(height - FOOTER + 6),
                "fill": "#f4f4f2" if n % 2 == 0 else "#e9e9e4",
            },
        )
        narrow = x1 - x0 < 150
        text = ET.SubElement(
            group,
            "text",
            {
                "x": str(round((x0 + x1) / 2, 1)),
                "y": "36" if narrow else "18",  # a narrow era's label on a line of its own
                "font-size": "14",
                "text-anchor": "middle",
                "class": "era-label",
                "fill": "#1b1b1b",
            },
        )
        text.text = label


def _words(day: dt.date) -> str:
    return day.strftime("%-d %B %Y")


def _mark(svg: ET.Element, entry: Entry, y: float) -> None:
    date = entry.date
    orgs = entry.organisations
    classes = ["mark", f"prec-{date.precision}", f"org-{orgs[0].key}" if orgs else "org-none"]
    if date.qualifier:
        classes.append("qualified")
    if entry.milestone:
        classes.append("milestone")
    link = ET.SubElement(svg, "a", {"href": f"#e-{entry.id}", "class": " ".join(classes)})
    who = ", ".join(o.short_name for o in orgs)
    ET.SubElement(link, "title").text = " — ".join(
        part for part in (date.in_words(), entry.title, who, entry.relation) if part
    )
    colour = org_colour(orgs[0].key if orgs else None)
    paint = {"fill": colour, "stroke": colour}
    if date.qualifier:
        paint.update({"stroke-dasharray": "3 2", "fill-opacity": "0.35", "stroke-width": "1.5"})
    left, right = extent(entry)
    if date.precision == "day":
        x = (left + right) / 2
        circle = {"class": "shape", "cx": str(x), "cy": str(y), "r": str(DOT_R)}
        ET.SubElement(link, "circle", {**circle, **paint})
    else:
        _span(link, entry, y, paint)
    hit_left, hit_right = target(entry)
    ET.SubElement(
        link,
        "rect",
        {
            "class": "hit",
            "x": str(hit_left),
            "y": str(y - TARGET / 2),
            "width": str(round(hit_right - hit_left, 1)),
            "height": str(TARGET),
            "fill": "#fff",
            "fill-opacity": "0",
        },
    )


def _span(link: ET.Element, entry: Entry, y: float, paint: dict) -> None:
    date = entry.date
    left, right = extent(entry)
    wide = date.precision in ("season", "year")
    h = BAND_H if wide else BAR_H
    if wide:
        paint.update({"fill-opacity": "0.3", "stroke-width": "1.5"})
    ET.SubElement(
        link,
        "rect",
        {
            "class": "shape",
            "x": str(left),
            "y": str(y - h / 2),
            "width": str(round(right - left, 1)),
            "height": str(h),
            "rx": "2",
            **paint,
        },
    )


def _axis(svg: ET.Element, y: float) -> None:
    axis = ET.SubElement(svg, "g", {"class": "axis", "stroke": "#1b1b1b"})
    ET.SubElement(
        axis,
        "line",
        {
            "x1": str(x_of(AXIS_START)),
            "x2": str(x_of(AXIS_END + dt.timedelta(days=1))),
            "y1": str(y),
            "y2": str(y),
        },
    )
    for year in range(AXIS_START.year, AXIS_END.year + 2):
        x = x_of(dt.date(year, 1, 1))
        ET.SubElement(axis, "line", {"x1": str(x), "x2": str(x), "y1": str(y), "y2": str(y + 5)})
        if year <= AXIS_END.year:
            mid = x_of(dt.date(year, 7, 1))
            label = ET.SubElement(
                svg,
                "text",
                {
                    "x": str(round(mid, 1)),
                    "y": str(y + 20),
                    "font-size": "14",
                    "text-anchor": "middle",
                    "class": "year-label",
                    "fill": "#1b1b1b",
                },
            )
            label.text = str(year)
