"""Wagtail's list exports ("Download XLSX/CSV" of a listing or a report) written by ``lms.sheets``.

Wagtail's ``SpreadsheetExportMixin`` writes CSV with the standard library as it is (a name
``=1+1`` is a formula when the file is opened) and turns only ``=``-text into XLSX text
(``+1``, ``-1``, ``@SUM(1)`` become formulas once the sheet is saved again as CSV). The
mixin below keeps Wagtail's columns, headings and per-field preprocessing and hands the
rows to the platform's one writer instead.

Use ``SafeExportIndexView`` as ``index_view_class`` of a ``SnippetViewSet`` or
``ModelViewSet`` with ``list_export``, or put ``SafeSpreadsheetExportMixin`` first in the bases of
any other view built on ``SpreadsheetExportMixin`` (reports). ``install()`` (called from
``LmsConfig.ready``) makes Wagtail's own mixin write the same way, for the exports Wagtail builds
by itself (its reports: aging pages, locked pages, workflows, site history...).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.http import FileResponse, StreamingHttpResponse
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView

from . import sheets


class SafeSpreadsheetExportMixin:
    """Overrides the writing half of Wagtail's ``SpreadsheetExportMixin`` (the reading half,
    ``to_row_dict`` and ``preprocess_field_value``, stays Wagtail's and the view's own)."""

    def _export_headings(self, queryset) -> list[str]:
        return [self.get_heading(queryset, field) for field in self.list_export]

    def _export_rows(self, queryset, export_format: str) -> Iterator[list]:
        for item in queryset:
            values = []
            for field, value in self.to_row_dict(item).items():
                if (isinstance(value, dt.datetime) and export_format == self.FORMAT_XLSX
                        and export_format not in self.custom_field_preprocess.get(field, {})):
                    values.append(value)  # lms.sheets writes local time; Wagtail's default step makes it UTC
                else:
                    values.append(self.preprocess_field_value(field, value, export_format))
            yield values

    def stream_csv(self, queryset) -> Iterator[bytes]:
        return sheets.csv_stream(self._export_headings(queryset), self._export_rows(queryset, self.FORMAT_CSV))

    def write_xlsx(self, queryset, output) -> None:
        book = sheets.XlsxBook()
        sheet = book.sheet(str(self.get_filename()) or "Sheet1")
        sheet.row(self._export_headings(queryset), bold=True)
        for row in self._export_rows(queryset, self.FORMAT_XLSX):
            sheet.row(row)
        book.save(output)

    def write_csv_response(self, queryset):
        response = StreamingHttpResponse(self.stream_csv(queryset), content_type=sheets.CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{self.get_filename()}.csv"'
        return response

    def write_xlsx_response(self, queryset):
        import io

        output = io.BytesIO()
        self.write_xlsx(queryset, output)
        output.seek(0)
        return FileResponse(output, as_attachment=True, content_type=sheets.XLSX_CONTENT_TYPE,
                            filename=f"{self.get_filename()}.xlsx")


class SafeExportIndexView(SafeSpreadsheetExportMixin, SnippetIndexView):
    """A snippet listing whose "Download XLSX/CSV" writes through ``lms.sheets``."""


_WRITERS = ("stream_csv", "write_xlsx", "write_csv_response", "write_xlsx_response", "_export_headings",
            "_export_rows")


def install() -> None:
    """Give Wagtail's ``SpreadsheetExportMixin`` the safe writers, for every view that inherits it
    without passing through ours (Wagtail's reports). Pinned by tests/lms/test_sheets.py, which
    exports a Wagtail report: a Wagtail upgrade that renames these methods fails that test."""
    for name in _WRITERS:
        if name not in ("_export_headings", "_export_rows"):
            assert hasattr(SpreadsheetExportMixin, name), name  # the methods we replace still exist
        setattr(SpreadsheetExportMixin, name, SafeSpreadsheetExportMixin.__dict__[name])
