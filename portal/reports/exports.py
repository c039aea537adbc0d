"""Report tables as files: CSV (UTF-8 with BOM, so Excel reads Kyrgyz) and XLSX (openpyxl)."""

import csv
import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font

from portal.reports import Table

BYTE_ORDER_MARK = "\ufeff"
#: A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_SHEET_TITLE = 31


def cell_text(value) -> str:
    """A cell as text: dates as YYYY-MM-DD, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def safe_text(value) -> str:
    """Text that a spreadsheet will not run as a formula."""
    text = cell_text(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def table_csv(table: Table) -> str:
    """The table as CSV text, header first, with the BOM Excel needs to see UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(column.label) for column in table.columns])
    for row in table.rows:
        writer.writerow([cell_text(v) if isinstance(v, int | float) else safe_text(v) for v in row])
    return BYTE_ORDER_MARK + out.getvalue()


def table_xlsx(table: Table) -> bytes:
    """The table as an Excel workbook: bold header, numbers as numbers, fitted widths."""
    book = Workbook()
    sheet = book.active
    sheet.title = str(table.title)[:MAX_SHEET_TITLE].translate(str.maketrans("[]:*?/\\", "()-----"))
    sheet.append([str(column.label) for column in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([xlsx_value(value) for value in row])
    for column in sheet.columns:
        longest = max((len(cell_text(cell.value)) for cell in column), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(8, longest + 2))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_value(value):
    """A cell for openpyxl: numbers and dates as they are, text made formula-safe."""
    if value is None or isinstance(value, int | float | date):
        return value
    return safe_text(value)
