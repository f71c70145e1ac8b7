"""Tabular files read row by row, never whole: CSV (UTF-8 or Windows-1252, `;` `,` or tab, detected) and
XLSX through openpyxl's read-only mode. Each row comes with its line number and its cells in the order of
the header, which is normalised so "Référence client" and "reference_client" are the same column."""
import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ...errors import DomainError

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}
CHUNK = 1 << 20


def slug(text) -> str:
    """Lower case, no accents, words joined by "_": how headers and coded values are compared."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


@dataclass
class TableFile:
    """An opened file: its detected format, its header and an iterator of (line, [cell, ...])."""
    path: Path
    format: str = ""            # "CSV" or "XLSX"
    encoding: str | None = None
    delimiter: str | None = None
    header: list[str] = field(default_factory=list)   # normalised
    raw_header: list[str] = field(default_factory=list)
    size: int = 0
    _position = None  # callable: how far the reading got, as a fraction 0..1

    @property
    def description(self) -> str:
        if self.format == "XLSX":
            return "XLSX (première feuille)"
        encoding = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "cp1252": "Windows-1252"}[self.encoding]
        return f"CSV, encodage {encoding}, séparateur {DELIMITER_NAMES[self.delimiter]} « {self.delimiter} »"

    _close = None  # callable: releases the open file

    def close(self) -> None:
        if self._close:
            self._close()
            self._close = None

    def fraction_read(self) -> float:
        return min(1.0, self._position()) if self._position else 0.0


def open_table(path: Path | str):
    """A context-managed generator would hide the format from the caller; this returns the TableFile and
    the row iterator (closing the file once exhausted)."""
    path = Path(path)
    with open(path, "rb") as probe:
        head = probe.read(8)
    table = TableFile(path=path, size=path.stat().st_size)
    if head.startswith(OLE_MAGIC):
        raise DomainError("Ancien format Excel (.xls) : enregistrez le fichier en .xlsx ou en CSV.")
    if head.startswith(XLSX_MAGIC):
        return table, _xlsx_rows(table)
    return table, _csv_rows(table)


def _detect_encoding(path: Path) -> str:
    """UTF-8 when the whole file decodes as UTF-8 (checked chunk by chunk), else Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as raw:
        first = raw.read(3)
        bom = first == codecs.BOM_UTF8
        chunk = first
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = raw.read(CHUNK)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig" if bom else "utf-8"


def _detect_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    if counts[best] == 0:
        return ";"
    return best


def _csv_rows(table: TableFile):
    table.format = "CSV"
    table.encoding = _detect_encoding(table.path)
    raw = open(table.path, "rb")
    # The five bytes Windows-1252 leaves undefined become U+FFFD rather than stopping the import.
    text = io.TextIOWrapper(raw, encoding=table.encoding, newline="", errors="replace")
    table._close = text.close
    first = ""
    while not first.strip():
        first = text.readline()
        if not first:
            break
    table.delimiter = _detect_delimiter(first)
    table._position = lambda: raw.tell() / table.size if table.size else 1.0
    header = next(csv.reader([first], delimiter=table.delimiter), [])
    _set_header(table, header)
    reader = csv.reader(text, delimiter=table.delimiter)
    start = _header_line_number(table.path, table.encoding)

    def rows():
        try:
            for cells in reader:
                line = start + reader.line_num
                if any(c.strip() for c in cells):
                    yield line, cells
        finally:
            table.close()
    return rows()


def _header_line_number(path: Path, encoding: str) -> int:
    """The line of the header (blank lines may come before it): rows are numbered from it."""
    with open(path, encoding=encoding, newline="", errors="replace") as f:
        for number, line in enumerate(f, start=1):
            if line.strip():
                return number
    return 1


def _xlsx_rows(table: TableFile):
    from openpyxl import load_workbook
    table.format = "XLSX"
    handle = open(table.path, "rb")  # a file object: openpyxl would judge a path by its extension
    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except Exception as err:  # a zip that is no workbook, a damaged file
        handle.close()
        raise DomainError(f"Fichier XLSX illisible ({type(err).__name__}).") from err
    def close():
        book.close()
        handle.close()
    table._close = close
    sheet = book.worksheets[0]
    total = sheet.max_row or 0
    state = {"row": 0}
    table._position = lambda: state["row"] / total if total else 0.0
    rows = sheet.iter_rows(values_only=True)
    for number, cells in enumerate(rows, start=1):
        state["row"] = number
        if any(_cell_text(c) for c in cells):
            _set_header(table, [_cell_text(c) for c in cells])
            break

    def data():
        try:
            for number, cells in enumerate(rows, start=state["row"] + 1):
                state["row"] = number
                if any(_cell_text(c) for c in cells):
                    yield number, [_cell_value(c) for c in cells]
        finally:
            table.close()
    return data()


def _cell_text(value) -> str:
    return "" if value is None else str(value).strip()


def _cell_value(value):
    """Dates stay dates; whole floats (Excel stores every number as a float) lose their ".0"."""
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    return _cell_text(value)


def _set_header(table: TableFile, cells) -> None:
    table.raw_header = [str(c).strip() for c in cells]
    table.header = [slug(c) for c in table.raw_header]
