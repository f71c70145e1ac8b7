"""`tournee import KIND FILE`: one file of the utility's own data in, streamed batch by batch inside one
transaction, all or nothing. Rows are matched by the utility's own reference: a new one is created, a
changed one updated (and audited), an identical one left alone. A dry run does the same work and rolls
it back, so its report is exactly what the real run would do."""
import queue
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import bindparam, insert, update

from ...errors import DomainError
from ...extensions import db
from ...models import AuditEntry, User
from ..base.seeding import refresh_statistics
from ..rules.iban import mask_iban
from .cells import CellError
from .import_kinds import KINDS, Row
from .sources import open_table

MAX_PROBLEMS_KEPT = 1000
BATCH = 2000


@dataclass
class Problem:
    line: int
    column: str
    reason: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "reason": self.reason}


@dataclass
class ImportResult:
    kind: str
    file_description: str = ""
    dry_run: bool = True
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    problems: list[Problem] = field(default_factory=list)
    problems_total: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    committed: bool = False

    def refuse(self, line: int, column: str, reason: str) -> None:
        self.problems_total += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(Problem(line, column, reason))

    @property
    def ok(self) -> bool:
        return self.problems_total == 0

    def as_dict(self) -> dict:
        return {"kind": self.kind, "file": self.file_description, "dry_run": self.dry_run, "rows": self.rows,
                "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "refused": self.refused, "problems": [p.as_dict() for p in self.problems],
                "problems_total": self.problems_total, "ignored_columns": self.ignored_columns,
                "committed": self.committed}


def run_import(kind: str, path: Path | str, *, user: User | None, now: datetime, dry_run: bool,
               progress: Callable[[float], None] = lambda fraction: None, batch: int = BATCH,
               source_name: str | None = None) -> ImportResult:
    """Import one file of KIND; commits only when it is not a dry run and no row is refused."""
    if kind not in KINDS:
        raise DomainError(f"Type d'import inconnu : {kind}.")
    handler = KINDS[kind](now.date())
    table, rows = open_table(path)
    result = ImportResult(kind=kind, file_description=table.description, dry_run=dry_run)
    steps = _columns_of(handler, table.header, result)
    if not result.ok:
        rows.close()
        table.close()
        return result
    source_name = source_name or Path(path).name
    batches = ParsedBatches(rows, lambda line, cells, seen: _parse(handler, steps, line, cells, seen), batch,
                            table.fraction_read)
    try:
        handler.start()
        for pending, fraction in batches:
            result.rows += len(pending)
            _process(handler, pending, result, user, now, source_name)
            progress(fraction)
        if result.rows == 0:
            result.refuse(1, "", "aucune ligne de données dans le fichier")
        if not dry_run and result.ok:
            if result.created or result.updated:
                db.session.add(AuditEntry(action="import.file", object_type="import", object_id=kind,
                                          user_id=user.id if user else None, at=now,
                                          details={"file": source_name, "created": result.created,
                                                   "updated": result.updated, "unchanged": result.unchanged}))
            db.session.commit()
            result.committed = True
            if result.created or result.updated:
                refresh_statistics(handler.table.name)
        else:
            db.session.rollback()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        batches.close()
        rows.close()
        table.close()
    progress(1.0)
    return result


class ParsedBatches:
    """The file's rows parsed batch by batch by a reader thread while the caller checks and writes the
    previous batch: parsing is Python, writing is mostly the database server's work, and the two overlap
    on a machine with more than one core. At most QUEUED batches wait, so memory stays bounded; the
    rows come out in the file's order with the fraction of the file read when each batch was full."""
    QUEUED = 2

    def __init__(self, rows: Iterator, parse: Callable, size: int, fraction_read: Callable[[], float]):
        self._queue: queue.Queue = queue.Queue(maxsize=self.QUEUED)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(rows, parse, size, fraction_read),
                                        name="import-reader", daemon=True)
        self._thread.start()

    def _read(self, rows, parse, size, fraction_read) -> None:
        seen: dict = {}
        pending: list[Row] = []
        try:
            for line, cells in rows:
                pending.append(parse(line, cells, seen))
                if len(pending) >= size:
                    self._put((pending, fraction_read()))
                    pending = []
                if self._stopped.is_set():
                    return
            if pending:
                self._put((pending, 1.0))  # the file is read (and already closed by the row iterator)
            self._put(None)
        except BaseException as err:  # handed to the caller, raised there
            self._put(err)

    def _put(self, item) -> None:
        while not self._stopped.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def __iter__(self):
        while (item := self._queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        """Stop the reader (the caller gave up or finished) and wait for it, so the file can be closed."""
        self._stopped.set()
        self._thread.join()


def _columns_of(handler, header: list[str], result: ImportResult) -> tuple:
    """The handler's columns found in the header (by any of their names), file-level problems for the
    required ones missing or given twice, and the unknown columns (ignored, listed in the summary). The
    columns found come as the steps of the row parser: (field, position in the row, parser, required,
    default, label)."""
    steps = []
    for column in handler.columns:
        names = [name for name in column.names if name in header]
        if len(names) > 1:
            result.refuse(1, column.label, f"colonne présente deux fois ({', '.join(names)})")
        if names:
            position = len(header) - 1 - header[::-1].index(names[0])  # a name written twice: the last one
            steps.append((column.field, position, column.parse, column.required, column.default, column.label))
        elif column.required:
            result.refuse(1, column.label, "colonne obligatoire absente de l'en-tête")
    known = {name for column in handler.columns for name in column.names}
    result.ignored_columns = [name for name in header if name and name not in known]
    return tuple(steps)


def _parse(handler, steps: tuple, line: int, cells: list, seen: dict) -> Row:
    row = Row(line)
    values = row.values
    width = len(cells)
    for field_name, position, parse, required, default, label in steps:
        try:
            value = parse(cells[position] if position < width else None)
        except CellError as err:
            row.refuse(label, str(err))
            continue
        if value is None:
            if required:
                row.refuse(label, "valeur obligatoire manquante")
            value = default
        values[field_name] = value
    if row.problems:
        return row
    row.key = handler.key_of(values)
    if row.key in seen:
        row.refuse(handler.key_label, f"référence en double « {handler.key_text(row.key)} » (déjà ligne {seen[row.key]})")
    else:
        seen[row.key] = line
    return row


def _process(handler, rows: list[Row], result: ImportResult, user, now: datetime, source_name: str) -> None:
    sound = [row for row in rows if not row.problems]
    handler.resolve(sound)
    sound = [row for row in sound if not row.problems]
    current = handler.existing(sound)
    creates, updates, audits = [], [], []
    for row in sound:
        before = current.get(row.key)
        handler.check(row, before)
        if row.problems:
            continue
        if before is None:
            creates.append(handler.new_row(row.values))
            result.created += 1
        else:
            changes = {name: (before[name], value) for name, value in row.values.items() if before[name] != value}
            if not changes:
                result.unchanged += 1
                continue
            updates.append({"_id": before["id"], **{f"v_{name}": value for name, value in row.values.items()}})
            audits.append(_audit_row(handler, before["id"], changes, user, now, source_name))
            result.updated += 1
        handler.accepted(row, before)
    for row in rows:
        if row.problems:
            result.refused += 1
            for column, reason in row.problems:
                result.refuse(row.line, column, reason)
    if creates:
        _insert_all(handler.table, creates)
    if updates:
        fields = [name[2:] for name in updates[0] if name.startswith("v_")]
        statement = update(handler.table).where(handler.table.c.id == bindparam("_id")).values(
            {name: bindparam(f"v_{name}") for name in fields})
        db.session.execute(statement, updates)
    if audits:
        db.session.execute(insert(AuditEntry.__table__), audits)


def _insert_all(table, rows: list[dict]) -> None:
    """New rows in one go: COPY on PostgreSQL (ids from the sequence), a multi-row INSERT elsewhere."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        db.session.execute(insert(table), rows)
        return
    names = list(rows[0])
    defaults = {column.name: column.default.arg for column in table.columns
                if column.name not in names and column.name != "id" and column.default is not None}
    fixed = [value(None) if callable(value) else value for value in defaults.values()]
    quoted = ", ".join(f'"{name}"' for name in names + list(defaults))  # "index" is a reserved word
    with connection.connection.cursor() as cursor:
        with cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] for name in names] + fixed)


def _audit_row(handler, object_id: int, changes: dict, user, now: datetime, source_name: str) -> dict:
    def shown(name, value):
        if name == "iban":
            return mask_iban(value)
        return None if value is None else str(value)
    return {"action": "import.update", "object_type": handler.table.name, "object_id": str(object_id),
            "user_id": user.id if user else None, "device_id": None, "at": now,
            "details": {"file": source_name,
                        "changes": {name: [shown(name, old), shown(name, new)] for name, (old, new) in changes.items()}}}
