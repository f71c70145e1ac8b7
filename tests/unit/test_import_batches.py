"""The import's reader thread (services.own_data.importer.ParsedBatches): rows come out in the file's order,
the reader stays a few batches ahead at most (a large file is never held whole), an error while reading
reaches the caller, and closing stops the reader before the end of the file."""
import time

import pytest

from server.services.own_data.importer import ParsedBatches

BATCH = 100


def counted_rows(total: int, read: list, fail_at: int | None = None):
    for line in range(1, total + 1):
        if line == fail_at:
            raise ValueError(f"ligne {line} illisible")
        read.append(line)
        yield line, [f"C{line}"]


def parse(line, cells, seen):
    seen[cells[0]] = line
    return line


def test_rows_come_in_order_in_full_batches_and_the_last_one_says_the_file_is_read():
    batches = ParsedBatches(counted_rows(1050, []), parse, BATCH, lambda: 0.5)
    got = list(batches)
    batches.close()
    assert [len(rows) for rows, _ in got] == [BATCH] * 10 + [50]
    assert [line for rows, _ in got for line in rows] == list(range(1, 1051))
    assert [fraction for _, fraction in got] == [0.5] * 10 + [1.0]


def test_the_reader_stays_at_most_a_few_batches_ahead_of_the_writer():
    read: list = []
    batches = ParsedBatches(counted_rows(100_000, read), parse, BATCH, lambda: 0.0)
    first, _ = next(iter(batches))
    time.sleep(0.5)  # time enough for the reader to fill every place it has
    ahead = len(read)
    batches.close()
    assert first == list(range(1, BATCH + 1))
    assert BATCH <= ahead <= BATCH * (ParsedBatches.QUEUED + 2)
    assert len(read) < 100_000  # closed: the reader stopped instead of reading the whole file


def test_an_error_while_reading_reaches_the_caller_after_the_rows_before_it():
    batches = ParsedBatches(counted_rows(1000, [], fail_at=250), parse, BATCH, lambda: 0.0)
    received = []
    with pytest.raises(ValueError, match="ligne 250 illisible"):
        for rows, _ in batches:
            received += rows
    batches.close()
    assert received == list(range(1, 201))
