"""CSV exports for the office's spreadsheet (Excel): UTF-8 with a BOM, `;` between columns, CRLF, and no
cell a spreadsheet would run as a formula (CSV injection)."""
import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as the start of a formula


def excel_csv(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_cell(value) -> str:
    """Text starting with = + - @ (or a tab, a carriage return) gets a leading apostrophe, so the spreadsheet
    shows it as text instead of running it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
