"""The pull cursor (PROTOCOL §3): its exact encoding, and every token that is not one we issued refused."""
import base64
import json

import pytest

from sync.cursor import MAX_TOKEN_LENGTH, Cursor, decode_cursor, encode_cursor
from sync.errors import InvalidCursor


def token_of(payload) -> str:
    raw = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def test_a_cursor_encodes_as_unpadded_base64url_of_canonical_json():
    token = encode_cursor(Cursor(technician_id=7, seq=42, forms={"READING": 2, "CUTOFF": 1}))
    assert "=" not in token
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8")
    assert raw == '{"forms":{"CUTOFF":1,"READING":2},"seq":42,"t":7,"v":1}'


def test_round_trip_for_the_same_technician():
    cursor = decode_cursor(encode_cursor(Cursor(technician_id=7, seq=42, forms={"READING": 2})), 7)
    assert cursor == Cursor(technician_id=7, seq=42, forms={"READING": 2}, fresh=False)


@pytest.mark.parametrize("token", [None, ""])
def test_no_cursor_starts_a_fresh_snapshot(token):
    assert decode_cursor(token, 9) == Cursor(technician_id=9, seq=0, forms={}, fresh=True)


GOOD = {"v": 1, "t": 7, "seq": 3, "forms": {"READING": 1}}


@pytest.mark.parametrize("payload", [
    {**GOOD, "t": 8},                       # another technician's cursor
    {**GOOD, "v": 2},                       # a version we never issued
    {**GOOD, "seq": -1},
    {**GOOD, "seq": "3"},                   # a string where a number belongs
    {**GOOD, "seq": True},                  # a boolean is not a sequence
    {**GOOD, "t": True},
    {**GOOD, "v": True},
    {**GOOD, "seq": 3.0},
    {**GOOD, "forms": []},
    {**GOOD, "forms": {"READING": "1"}},
    {**GOOD, "forms": {"READING": False}},
    {**GOOD, "extra": 1},
    {k: v for k, v in GOOD.items() if k != "forms"},
    [1, 7, 3, {}],
    "cursor",
])
def test_anything_we_did_not_issue_is_refused(payload):
    with pytest.raises(InvalidCursor):
        decode_cursor(token_of(payload), 7)


def test_the_boundary_values_we_do_issue_are_accepted():
    assert decode_cursor(token_of({**GOOD, "seq": 0, "forms": {}}), 7) == Cursor(technician_id=7)


@pytest.mark.parametrize("token", ["%%%", "é" * 4, "YQ", "_w", base64.urlsafe_b64encode(b"\xff\xfe").decode(),
                                   "A" * (MAX_TOKEN_LENGTH + 1), 12345])
def test_garbage_tokens_are_refused(token):
    with pytest.raises(InvalidCursor):
        decode_cursor(token, 7)


def test_a_token_of_exactly_the_maximum_length_is_read_not_refused_for_its_length():
    key = next("F" * n for n in range(600, 800) if len(token_of({**GOOD, "forms": {"F" * n: 1}})) == MAX_TOKEN_LENGTH)
    assert decode_cursor(token_of({**GOOD, "forms": {key: 1}}), 7).forms == {key: 1}


def test_every_cursor_round_trips_whatever_its_last_base64_characters():
    for seq in range(0, 300):
        cursor = Cursor(technician_id=7, seq=seq, forms={"READING": 2})
        assert decode_cursor(encode_cursor(cursor), 7) == cursor
