"""CSV cells a spreadsheet will not run as formulas. Pure Python: no Django.

Excel, LibreOffice and Google Sheets treat a cell starting with = + - @ (and, in some versions,
a tab or carriage return) as a formula. Usernames may legally start with @ + or -, so every text
cell that starts with one of them gets a leading apostrophe, which spreadsheets show as text.
Numbers stay numbers: a negative number is data, not a formula, and none is written here anyway.
"""

import csv
import io
from collections.abc import Iterable

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
BOM = "\ufeff"  # lets Excel detect UTF-8


def safe_cell(value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_chunk(rows: Iterable[Iterable], *, bom: bool = False) -> str:
    """Rows as CSV text, each cell made safe; a streamed export writes one chunk at a time."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return (BOM if bom else "") + out.getvalue()


def csv_text(rows: Iterable[Iterable], *, bom: bool = True) -> str:
    return csv_chunk(rows, bom=bom)
