"""Charts drawn on the server: one geometry, two renderers (inline SVG for pages, reportlab for PDFs).

No JavaScript and no chart library: a chart is a list of primitives (lines,
polylines, rectangles, circles, text) in a ``width`` x ``height`` box with y
pointing down, rendered as SVG markup or as a reportlab Drawing. Every chart
on a page sits beside a table with the same numbers (screen readers, no-CSS).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .figures import Row, TrendPoint

TRAINED_COLOUR = "#0b5394"
ONLINE_SOFT = "#93c47d"
TARGET_COLOUR = "#a4161a"
GRID_COLOUR = "#c8ccd4"
INK = "#1d2330"


@dataclass
class Chart:
    width: int
    height: int
    title: str
    description: str
    items: list[tuple] = field(default_factory=list)

    def line(self, x1, y1, x2, y2, colour=INK, width=1.0, dash=None):
        self.items.append(("line", x1, y1, x2, y2, colour, width, dash))

    def polyline(self, points, colour, width=2.0, dash=None):
        if len(points) > 1:
            self.items.append(("polyline", points, colour, width, dash))

    def rect(self, x, y, w, h, fill):
        self.items.append(("rect", x, y, w, h, fill))

    def circle(self, cx, cy, r, fill):
        self.items.append(("circle", cx, cy, r, fill))

    def text(self, x, y, text, size=11, anchor="start", colour=INK):
        self.items.append(("text", x, y, str(text), size, anchor, colour))


def _fmt(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + " %"


# --- the charts ------------------------------------------------------------------------------------

def trend_chart(points: list[TrendPoint], trained_target: Decimal | None, online_target: Decimal | None,
                width: int = 720, height: int = 280) -> Chart:
    """Month by month: the share trained since the period began (line) and the share of that month's
    activities held online (bars), with the targets as dashed horizontal lines."""
    chart = Chart(width, height, _("Monthly trend"),
                  _("Share of the target population trained since the period began, and share of each month's "
                    "training activities held online, against the targets."))
    left, right, top, bottom = 48, 16, 16, 64
    plot_w, plot_h = width - left - right, height - top - bottom

    def y_of(percent) -> float:
        return top + plot_h * (1 - float(percent) / 100)

    for tick in range(0, 101, 20):
        y = y_of(tick)
        chart.line(left, y, left + plot_w, y, GRID_COLOUR, 0.5)
        chart.text(left - 6, y + 4, f"{tick} %", 10, "end")
    count = max(len(points), 1)
    step = plot_w / count

    def x_of(index: int) -> float:
        return left + step * (index + 0.5)

    trained = [(x_of(i), y_of(p.trained_share)) for i, p in enumerate(points) if p.trained_share is not None]
    bar = max(min(step * 0.4, 18), 2)
    for index, point in enumerate(points):  # each month's own share: a bar, not a line between months
        if point.online_share is not None:
            top_y = y_of(point.online_share)
            chart.rect(x_of(index) - bar / 2, top_y, bar, max(top + plot_h - top_y, 1), ONLINE_SOFT)
    labels = ((trained_target, _("trained: target %(value)s")), (online_target, _("online: target %(value)s")))
    for number, (target, label) in enumerate(labels):
        if target is not None:
            chart.line(left, y_of(target), left + plot_w, y_of(target), TARGET_COLOUR, 1.2, (6, 4))
            chart.text(left + plot_w - 2 - 170 * number, y_of(target) - 4, label % {"value": _fmt(target)}, 10,
                       "end", TARGET_COLOUR)
    chart.polyline(trained, TRAINED_COLOUR, 2.5)
    for x, y in trained:
        chart.circle(x, y, 3, TRAINED_COLOUR)
    every = max(1, round(count / 12))
    for index, point in enumerate(points):
        if index % every == 0:
            chart.text(x_of(index), top + plot_h + 16, point.month.strftime("%m/%Y"), 10, "middle")
    legend_y = height - 16
    chart.rect(left, legend_y - 9, 14, 4, TRAINED_COLOUR)
    chart.text(left + 20, legend_y - 4, _("Trained (cumulative)"), 11)
    chart.rect(left + 220, legend_y - 12, 10, 10, ONLINE_SOFT)
    chart.text(left + 240, legend_y - 4, _("Activities held online (that month)"), 11)
    chart.line(left + 500, legend_y - 7, left + 514, legend_y - 7, TARGET_COLOUR, 1.2, (6, 4))
    chart.text(left + 520, legend_y - 4, _("Target"), 11)
    return chart


def units_chart(rows: list[Row], target: Decimal | None, width: int = 720) -> Chart:
    """One horizontal bar per unit: its share of the target population trained, with the target line."""
    bar, gap, label_w, top = 18, 8, 220, 8
    height = top + len(rows) * (bar + gap) + 28
    chart = Chart(width, height, _("Share trained by unit"),
                  _("Share of each unit's target population trained in the period, against the target."))
    plot_w = width - label_w - 70

    def x_of(percent) -> float:
        return label_w + plot_w * float(percent) / 100

    for tick in range(0, 101, 25):
        chart.line(x_of(tick), top, x_of(tick), height - 24, GRID_COLOUR, 0.5)
        chart.text(x_of(tick), height - 8, f"{tick} %", 10, "middle")
    for index, row in enumerate(rows):
        y = top + index * (bar + gap)
        name = row.label if len(row.label) <= 32 else row.label[:31] + "…"
        chart.text(label_w - 8, y + bar - 5, name, 11, "end")
        share = row.figures.trained_share
        if share is not None:
            chart.rect(label_w, y, max(x_of(share) - label_w, 1), bar, TRAINED_COLOUR)
        chart.text(x_of(share or 0) + 6, y + bar - 5, _fmt(share), 10)
    if target is not None:
        chart.line(x_of(target), top - 4, x_of(target), height - 24, TARGET_COLOUR, 1.5, (6, 4))
    return chart


# --- renderers ---------------------------------------------------------------------------------------

def to_svg(chart: Chart, element_id: str) -> SafeString:
    """Inline SVG with a title and description for assistive technology (all text escaped)."""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {chart.width} {chart.height}" '
             f'width="{chart.width}" aria-labelledby="{element_id}-t {element_id}-d" class="chart">',
             f'<title id="{element_id}-t">{escape(chart.title)}</title>',
             f'<desc id="{element_id}-d">{escape(chart.description)}</desc>']
    for item in chart.items:
        kind = item[0]
        if kind == "line":
            _k, x1, y1, x2, y2, colour, width, dash = item
            dashes = f' stroke-dasharray="{dash[0]} {dash[1]}"' if dash else ""
            parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
                         f'stroke-width="{width}"{dashes}/>')
        elif kind == "polyline":
            _k, points, colour, width, dash = item
            dashes = f' stroke-dasharray="{dash[0]} {dash[1]}"' if dash else ""
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="{width}"'
                         f'{dashes}/>')
        elif kind == "rect":
            _k, x, y, w, h, fill = item
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}"/>')
        elif kind == "circle":
            _k, cx, cy, r, fill = item
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r}" fill="{fill}"/>')
        elif kind == "text":
            _k, x, y, text, size, anchor, colour = item
            parts.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor={quoteattr(anchor)} '
                         f'fill="{colour}">{escape(text)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is a number or escaped


def to_drawing(chart: Chart, font: str, scale: float = 0.7):
    """The same chart as a reportlab Drawing (y flipped), in ``font`` (Vietnamese-capable)."""
    from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Rect, String
    from reportlab.lib.colors import HexColor

    group = Group()
    height = chart.height
    anchors = {"start": "start", "middle": "middle", "end": "end"}
    for item in chart.items:
        kind = item[0]
        if kind == "line":
            _k, x1, y1, x2, y2, colour, width, dash = item
            group.add(Line(x1, height - y1, x2, height - y2, strokeColor=HexColor(colour), strokeWidth=width,
                           strokeDashArray=list(dash) if dash else None))
        elif kind == "polyline":
            _k, points, colour, width, dash = item
            flat = [value for x, y in points for value in (x, height - y)]
            group.add(PolyLine(flat, strokeColor=HexColor(colour), strokeWidth=width,
                               strokeDashArray=list(dash) if dash else None))
        elif kind == "rect":
            _k, x, y, w, h, fill = item
            group.add(Rect(x, height - y - h, w, h, fillColor=HexColor(fill), strokeColor=None))
        elif kind == "circle":
            _k, cx, cy, r, fill = item
            group.add(Circle(cx, height - cy, r, fillColor=HexColor(fill), strokeColor=None))
        elif kind == "text":
            _k, x, y, text, size, anchor, colour = item
            group.add(String(x, height - y, text, fontName=font, fontSize=size, textAnchor=anchors[anchor],
                             fillColor=HexColor(colour)))
    group.scale(scale, scale)
    drawing = Drawing(chart.width * scale, chart.height * scale)
    drawing.add(group)
    return drawing
