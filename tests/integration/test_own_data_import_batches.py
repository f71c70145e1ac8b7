"""Imports over many batches (issue 13's speed work): rows parsed by a reader thread while the previous batch
is written, a first load that skips the lookups of its own keys, statistics refreshed after an import
(issue 14). Each with what the import must keep: line numbers, all or nothing, idempotence."""
import csv

import pytest
from sqlalchemy import func, select, text

from server.extensions import db
from server.models import AuditEntry, Customer, DeliveryPoint
from server.services.own_data.importer import run_import
from tests.integration.own_data_files import NOW, run, write_csv

CUSTOMERS_HEADER = "référence;nom;email\n"


def customers_file(tmp_path, name: str, count: int, extra: str = "") -> "Path":
    rows = "".join(f"C{n:05d};Nom{n};c{n}@example.fr\n" for n in range(1, count + 1))
    return write_csv(tmp_path, name, CUSTOMERS_HEADER + rows + extra)


def import_in_batches(kind: str, path, batch: int = 100, dry_run: bool = False):
    return run_import(kind, path, user=None, now=NOW, dry_run=dry_run, batch=batch)


def test_a_duplicate_reference_many_batches_later_is_refused_on_a_first_load(app_ctx, tmp_path):
    path = customers_file(tmp_path, "clients.csv", 950, extra="C00007;Doublon;d@example.fr\n")
    result = import_in_batches("customers", path)
    assert result.rows == 951 and result.created == 950 and not result.committed
    assert [p.as_dict() for p in result.problems] == [
        {"line": 952, "column": "reference", "reason": "référence en double « C00007 » (déjà ligne 8)"}]
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 0


def test_a_first_load_then_the_same_file_then_one_change_over_many_batches(app_ctx, tmp_path):
    path = customers_file(tmp_path, "clients.csv", 450)
    first = import_in_batches("customers", path)
    assert (first.created, first.committed) == (450, True)
    again = import_in_batches("customers", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 450)
    changed = customers_file(tmp_path, "changed.csv", 450).read_text().replace("c321@example.fr", "new@example.fr")
    result = import_in_batches("customers", write_csv(tmp_path, "changed.csv", changed))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 449)
    audits = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "import.update")).all()
    assert [a.details["changes"] for a in audits] == [{"email": ["c321@example.fr", "new@example.fr"]}]


def test_a_row_the_reader_cannot_read_stops_the_import_and_nothing_is_written(app_ctx, tmp_path):
    """A cell over the CSV reader's limit (an unclosed quote swallowing the rest of a file): the error raised
    in the reader thread reaches the caller, the batches already written roll back."""
    huge = "x" * (csv.field_size_limit() + 1)
    path = customers_file(tmp_path, "clients.csv", 400, extra=f"C99999;{huge};x@example.fr\n")
    with pytest.raises(csv.Error, match="field larger than field limit"):
        import_in_batches("customers", path)
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 0


def test_a_dry_run_over_many_batches_writes_nothing_and_leaves_statistics_alone(app_ctx, tmp_path):
    result = import_in_batches("customers", customers_file(tmp_path, "clients.csv", 350), dry_run=True)
    assert result.ok and result.created == 350 and not result.committed
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 0


def analysed_rows(table: str) -> int | None:
    """The row count the planner's statistics hold for the table (None: never analysed)."""
    if db.engine.dialect.name == "postgresql":
        rows = db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = :t"), {"t": table})
        return None if rows < 0 else int(rows)  # -1 until ANALYZE (or VACUUM) counts them
    if not db.session.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")):
        return None
    stat = db.session.scalar(text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t LIMIT 1"), {"t": table})
    return None if stat is None else int(stat.split()[0])


def test_an_import_leaves_the_planner_statistics_fresh(app_ctx, tmp_path):
    """Issue 14: a pull right after a bulk load ran several times slower until ANALYZE; the import runs it."""
    run("communes", write_csv(tmp_path, "c.csv", "code;nom;eau\n33318;Pessac;oui\n"))
    rows = "".join(f"P{n};33318;{n} rue Neuve;eau\n" for n in range(1, 301))
    result = run("points", write_csv(tmp_path, "points.csv", "référence;commune;adresse;nature\n" + rows))
    assert result.committed and result.created == 300
    assert analysed_rows(DeliveryPoint.__tablename__) == 300
