"""Files of the reports: tables as CSV (streamed), the yearly report as XLSX and PDF.

XLSX and CSV are written through ``lms.sheets`` (no cell ever becomes a formula).
XLSX goes in openpyxl's write-only mode straight to a file: rows go to disk as
they are produced, so a list of 50,000 people never sits in memory. People are
read with ``iterator(chunk_size=...)``. CSV starts with a UTF-8 byte order mark
so that Excel shows the diacritics. The PDF (reportlab) uses the
Vietnamese-capable font of ``lms.fonts`` and the same charts as the page.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _

from lms import sheets

from . import charts
from .figures import Row, TrendPoint
from .periods import Period
from .selectors import Dashboard, area_label, category_label

Progress = Callable[[int], None]
CHUNK = 2000
UNITS_PER_CHART = 18


def _share(value: Decimal | None):
    return None if value is None else float(value)


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


# --- tables (shared by CSV, XLSX and the page) ---------------------------------------------------

def unit_headers() -> list[str]:
    return [_("Code"), _("Org unit"), _("Level"), _("Target population"), _("Trained"), _("Not yet trained"),
            _("Trained (%)"), _("Against the target"), _("Training activities"), _("Held online"),
            _("Held online (%)"), _("Against the target"), _("Trained online, of those trained (%)"),
            _("Survey respondents"), _("Satisfied (4-5 of 5)"), _("Satisfaction (%)")]


def unit_values(row: Row, indent: bool = False) -> list:
    f, m = row.figures, row.marks
    name = ("    " * max(row.depth - 1, 0) + row.label) if indent else row.label
    return [row.code, name, row.level_name, f.population, f.trained, f.not_trained, _share(f.trained_share),
            m.trained.label if m else "", f.activities, f.activities_online, _share(f.online_share),
            m.online.label if m else "", _share(f.online_participant_share), f.respondents, f.satisfied,
            _share(f.satisfaction)]


def breakdown_headers(first: str) -> list[str]:
    return [first, _("Target population"), _("Trained"), _("Not yet trained"), _("Trained (%)"),
            _("Against the target"), _("Trained online, of those trained (%)")]


def breakdown_values(row: Row) -> list:
    f = row.figures
    return [row.label, f.population, f.trained, f.not_trained, _share(f.trained_share),
            row.marks.trained.label if row.marks else "", _share(f.online_participant_share)]


def trend_headers() -> list[str]:
    return [_("Month"), _("Trained since the period began"), _("Target population"), _("Trained (%)"),
            _("Training activities that month"), _("Held online"), _("Held online (%)")]


def trend_values(point: TrendPoint) -> list:
    return [point.month.strftime("%m/%Y"), point.trained, point.population, _share(point.trained_share),
            point.activities, point.activities_online, _share(point.online_share)]


def people_headers(trained: bool) -> list[str]:
    headers = [_("ID code"), _("Full name"), _("Org unit"), _("Category"), _("Area"), _("Ethnic-minority area"),
               _("Has an account")]
    return headers + [_("First trained on")] if trained else headers


def people_values(row: dict, trained: bool) -> list:
    values = [row["person_code"], row["person_name"], row["unit_name"], category_label(row["category"]),
              area_label(row["area"]), _yes_no(row["ethnic_minority_area"]), _yes_no(row["account_id"] is not None)]
    if trained:
        first = row.get("first_training")
        values.append(timezone.localtime(first).strftime("%d/%m/%Y") if first else "")
    return values


def dashboard_tables(board: Dashboard) -> dict[str, tuple[list[str], list[list]]]:
    """Every table of the dashboard by name: what the CSV links download."""
    return {
        "units": (unit_headers(), [unit_values(row) for row in board.rows]),
        "categories": (breakdown_headers(_("Category")), [breakdown_values(r) for r in board.by_category]),
        "areas": (breakdown_headers(_("Area")), [breakdown_values(r) for r in board.by_area]),
        "ethnic": (breakdown_headers(_("Ethnic-minority areas")), [breakdown_values(r) for r in board.by_ethnic]),
        "trend": (trend_headers(), [trend_values(p) for p in board.trend]),
    }


# --- CSV ------------------------------------------------------------------------------------------

def csv_stream(headers: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """A CSV file as chunks of UTF-8 bytes, starting with the byte order mark Excel needs."""
    return sheets.csv_stream(headers, rows)


# --- XLSX -------------------------------------------------------------------------------------------

def _summary_sheet(book: sheets.XlsxBook, board: Dashboard, scope_label: str,
                   definitions: list[tuple[str, str]]) -> None:
    sheet = book.sheet(_("Summary"))
    sheet.widths({"A": 48, "B": 18})
    period, node = board.period, board.node
    f, m, t = node.figures, node.marks, period.targets
    sheet.row([_("Report on the plan's training targets")], bold=True)
    sheet.row([_("Period"), f"{period.label} ({period.starts_on:%d/%m/%Y} – {period.ends_on:%d/%m/%Y})"])
    sheet.row([_("Phase"), period.phase_name])
    sheet.row([_("Org unit"), scope_label])
    sheet.row([_("Figures up to"), timezone.localtime(board.now).strftime("%d/%m/%Y %H:%M")])
    sheet.row([])
    sheet.row([_("Figure"), _("Value"), _("Target"), _("Against the target")], bold=True)
    sheet.row([_("Target population"), f.population])
    sheet.row([_("Trained"), f.trained])
    sheet.row([_("Trained (%)"), _share(f.trained_share), _share(t.trained), m.trained.label])
    sheet.row([_("Training activities"), f.activities])
    sheet.row([_("Held online"), f.activities_online])
    sheet.row([_("Held online (%)"), _share(f.online_share), _share(t.online), m.online.label])
    sheet.row([_("Trained online, of those trained (%)"), _share(f.online_participant_share)])
    sheet.row([_("Survey respondents"), f.respondents])
    sheet.row([_("Satisfaction (%)"), _share(f.satisfaction), _share(t.satisfaction), m.satisfaction.label])
    for title, rows in ((_("Category"), board.by_category), (_("Area"), board.by_area),
                        (_("Ethnic-minority areas"), board.by_ethnic)):
        sheet.row([])
        sheet.row(breakdown_headers(title), bold=True)
        for row in rows:
            sheet.row(breakdown_values(row))
    sheet.row([])
    sheet.row(trend_headers(), bold=True)
    for point in board.trend:
        sheet.row(trend_values(point))
    sheet.row([])
    sheet.row([_("Definitions")], bold=True)
    for term, meaning in definitions:
        sheet.row([term, meaning])
    if period.plan_wording:
        sheet.row([_("The plan's wording"), period.plan_wording])


def write_report_xlsx(path: str, *, board: Dashboard, units: list[Row], trained_people: Iterable[dict],
                      scope_label: str, definitions: list[tuple[str, str]], progress: Progress) -> None:
    """The yearly report: a summary sheet, one row per unit, and the list of people trained."""
    book = sheets.XlsxBook()
    _summary_sheet(book, board, scope_label, definitions)
    sheet = book.sheet(_("Org units"))
    sheet.row(unit_headers(), bold=True)
    done = 0
    for row in units:
        sheet.row(unit_values(row, indent=True))
        done += 1
    progress(done)
    sheet = book.sheet(_("People trained"))
    sheet.row(people_headers(trained=True), bold=True)
    for row in trained_people:
        sheet.row(people_values(row, trained=True))
        done += 1
        if done % CHUNK == 0:
            progress(done)
    progress(done)
    book.save(path)


def write_people_xlsx(path: str, *, people: Iterable[dict], trained: bool, title: str, progress: Progress) -> None:
    book = sheets.XlsxBook()
    sheet = book.sheet(title)
    sheet.row(people_headers(trained), bold=True)
    done = 0
    for row in people:
        sheet.row(people_values(row, trained))
        done += 1
        if done % CHUNK == 0:
            progress(done)
    progress(done)
    book.save(path)


# --- PDF --------------------------------------------------------------------------------------------

def _pdf_number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return f"{value:,}".replace(",", ".")


def write_report_pdf(path: str, *, board: Dashboard, units: list[Row], scope_label: str,
                     definitions: list[tuple[str, str]], progress: Progress) -> None:
    """The yearly report as PDF: summary with marks, the charts, the breakdowns and the unit table."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from lms.fonts import register_sans

    font = register_sans()
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5)
    heading = ParagraphStyle("h", parent=body, fontSize=15, leading=19, spaceAfter=6, fontName=font + "-Bold")
    subheading = ParagraphStyle("h2", parent=body, fontSize=11.5, leading=15, spaceBefore=10, spaceAfter=4,
                                fontName=font + "-Bold")
    period, node = board.period, board.node
    f, m, t = node.figures, node.marks, period.targets

    def table(data, widths=None, header=True):
        wrapped = [[Paragraph(escape(str(cell)) if cell is not None else "—", small) for cell in row] for row in data]
        result = Table(wrapped, colWidths=widths, repeatRows=1 if header else 0)
        style = [("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#9aa0aa")),
                 ("VALIGN", (0, 0), (-1, -1), "TOP")]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ecf5")))
        result.setStyle(TableStyle(style))
        return result

    def pct(value):
        return _pdf_number(_share(value)) + (" %" if value is not None else "")

    story = [
        Paragraph(escape(_("Report on the plan's training targets")), heading),
        Paragraph(escape(f"{_('Period')}: {period.label} ({period.starts_on:%d/%m/%Y} – {period.ends_on:%d/%m/%Y}) · "
                         f"{_('Org unit')}: {scope_label} · {_('Figures up to')}: "
                         f"{timezone.localtime(board.now):%d/%m/%Y %H:%M}"), body),
        Spacer(1, 4 * mm),
        table([[_("Figure"), _("Value"), _("Target"), _("Against the target")],
               [_("Trained (%)"), f"{pct(f.trained_share)} ({_pdf_number(f.trained)}/{_pdf_number(f.population)})",
                pct(t.trained), m.trained.label],
               [_("Held online (%)"),
                f"{pct(f.online_share)} ({_pdf_number(f.activities_online)}/{_pdf_number(f.activities)})",
                pct(t.online), m.online.label],
               [_("Trained online, of those trained (%)"), pct(f.online_participant_share), "", ""],
               [_("Satisfaction (%)"), f"{pct(f.satisfaction)} ({_pdf_number(f.respondents)})", pct(t.satisfaction),
                m.satisfaction.label]],
              widths=[80 * mm, 60 * mm, 30 * mm, 50 * mm]),
        KeepTogether([Paragraph(_("Monthly trend"), subheading),
                      charts.to_drawing(charts.trend_chart(board.trend, t.trained, t.online), font)]),
    ]
    if board.children:
        drawings = [charts.to_drawing(charts.units_chart(board.children[start:start + UNITS_PER_CHART], t.trained),
                                      font)  # one drawing must fit on a page
                    for start in range(0, len(board.children), UNITS_PER_CHART)]
        story.append(KeepTogether([Paragraph(_("Share trained by unit"), subheading), drawings[0]]))
        story.extend(drawings[1:])
    for title, rows in ((_("Category"), board.by_category), (_("Area"), board.by_area),
                        (_("Ethnic-minority areas"), board.by_ethnic)):
        if rows:
            story += [Paragraph(title, subheading),
                      table([breakdown_headers(title)] + [[_pdf_number(v) if not isinstance(v, str) else v
                                                           for v in breakdown_values(r)] for r in rows])]
    story += [Paragraph(_("Org units"), subheading)]
    columns = [0, 1, 3, 4, 6, 7, 8, 9, 10, 11, 15]
    headers = unit_headers()
    data = [[headers[i] for i in columns]]
    for row in units:
        values = unit_values(row, indent=False)
        values[1] = "· " * max(row.depth - 1, 0) + values[1]
        data.append([_pdf_number(values[i]) if not isinstance(values[i], str) else values[i] for i in columns])
    story.append(table(data))
    progress(len(units))
    story += [Paragraph(_("Definitions"), subheading)]
    story += [Paragraph(f"<b>{escape(term)}</b>: {escape(meaning)}", body) for term, meaning in definitions]
    if period.plan_wording:
        label = escape(_("The plan's wording"))
        story.append(Paragraph(f"<b>{label}</b>: {escape(period.plan_wording)}", body))
    document = SimpleDocTemplate(path, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                                 topMargin=12 * mm, bottomMargin=12 * mm, title=_("Report on the plan's training targets"),
                                 author=scope_label)
    document.build(story)


def file_stamp(period: Period, code: str, now: dt.datetime | None = None) -> str:
    from django.utils.text import slugify

    now = timezone.localtime(now or timezone.now())
    return f"bao-cao-{period.key}-{slugify(code) or 'tat-ca'}-{now:%Y%m%d-%H%M}"
