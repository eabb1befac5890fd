"""The shape every dashboard figure travels in: a chart with its categories and series, or a table.

One shape for the JSON endpoints, the page's script (which draws it with Chart.js and writes
the same figures as an accessible table) and the .xlsx export, so the three never disagree.
Numbers are plain JSON numbers (None: nothing to show, e.g. a month not started yet); the page
formats them the Vietnamese way.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

# Kinds the page knows how to draw.
LINE = "line"
BAR = "bar"
STACKED_BAR = "stacked_bar"
BAR_LINE = "bar_line"  # bars on the left axis, a line on the right axis
HEAT = "heat"  # one strip of cells coloured by a share in %
TABLE = "table"  # a list, no chart
KINDS = (LINE, BAR, STACKED_BAR, BAR_LINE, HEAT, TABLE)

# Colours by meaning, so the same status or level always has the same colour.
COLOURS = {
    "approved": "#198754",
    "submitted": "#0d6efd",
    "returned": "#fd7e14",
    "draft": "#adb5bd",
    "missing": "#dc3545",
    "primary": "#0b4f9c",
    "secondary": "#20c997",
    "accent": "#d63384",
    "neutral": "#6c757d",
    "tld": "#0b4f9c",
    "unit": "#20c997",
    "below": "#fd7e14",
}


def number(value) -> float | int | None:
    """A figure for JSON: Decimal → int when whole, else float; None stays None."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


@dataclass
class Series:
    key: str
    label: str
    data: list
    unit: str = ""
    colour: str = COLOURS["primary"]
    type: str = "bar"  # "bar" or "line" (in a bar_line chart)
    axis: str = "y"  # "y" (left) or "y1" (right)
    table_only: bool = False  # shown in the table and the .xlsx, not drawn
    decimals: int = 0  # how many decimals the figures may have (a rate in %: 1)


@dataclass
class Chart:
    key: str
    title: str
    caption: str
    kind: str
    category_label: str = ""
    labels: list[str] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)  # a drill-down address per category
    horizontal: bool = False
    wide: bool = False  # takes the page's whole width (a strip, long names); else half of it on a desktop
    columns: list[dict] = field(default_factory=list)  # TABLE: [{"key", "label", "unit", "decimals"}]
    rows: list[list] = field(default_factory=list)  # TABLE: one list of cells per line
    row_links: list[str | None] = field(default_factory=list)  # TABLE: an address per line
    per_unit: bool = False  # names units below: withheld from viewers who do not see them
    restricted: bool = False
    note: str = ""
    empty_text: str = ""  # what the page says when there is nothing to show

    def as_dict(self) -> dict:
        data = asdict(self)
        data["series"] = [{**s, "data": [number(v) for v in s["data"]]} for s in data["series"]]
        data["rows"] = [[number(v) for v in row] for row in data["rows"]]
        return data


def withheld(chart: dict, note: str) -> dict:
    """A per-unit chart as shown to someone who does not see the units below: no figures, a note."""
    return {
        **chart, "labels": [], "links": [], "rows": [], "row_links": [],
        "series": [{**s, "data": []} for s in chart["series"]], "restricted": True, "note": note,
    }
