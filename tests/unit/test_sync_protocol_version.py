"""PROTOCOL §0: which tablet versions the server serves, and the French answer to the others."""
from unittest import mock

import pytest

from sync import protocol
from sync.errors import SyncError
from sync.protocol import PROTOCOL_VERSION, ServerTooOld, TabletTooOld, check_protocol


@pytest.mark.parametrize("sent", [None, "", "  ", str(PROTOCOL_VERSION), f" {PROTOCOL_VERSION} "])
def test_a_tablet_speaking_our_version_or_none_is_served(sent):
    assert check_protocol(sent) is None


def test_a_newer_tablet_is_told_the_server_is_too_old():
    with pytest.raises(ServerTooOld) as refusal:
        check_protocol(str(PROTOCOL_VERSION + 1))
    assert refusal.value.http_status == 426 and refusal.value.code == "server_too_old"
    assert refusal.value.message.startswith(f"Serveur trop ancien pour cette application (protocole "
                                            f"{PROTOCOL_VERSION + 1}, le serveur parle le {PROTOCOL_VERSION})")


def test_an_older_tablet_is_told_to_update():
    with mock.patch.object(protocol, "OLDEST_ACCEPTED", 2), mock.patch.object(protocol, "PROTOCOL_VERSION", 3):
        assert check_protocol("2") is None and check_protocol("3") is None
        with pytest.raises(TabletTooOld) as refusal:
            check_protocol("1")
    assert refusal.value.http_status == 426 and refusal.value.code == "protocol_too_old"
    assert refusal.value.message.startswith("Application de la tablette trop ancienne (protocole 1, le serveur "
                                            "exige au moins le 2)")


@pytest.mark.parametrize("sent", ["v1", "1.0", "un"])
def test_an_unreadable_version_is_a_clear_error(sent):
    with pytest.raises(SyncError) as refusal:
        check_protocol(sent)
    assert refusal.value.message == "En-tête X-Tournee-Protocol illisible : un numéro de version entier est attendu."
    assert not isinstance(refusal.value, (TabletTooOld, ServerTooOld))


def test_the_answer_headers_name_both_versions():
    assert protocol.ANSWER_HEADERS == {"X-Tournee-Protocol": str(PROTOCOL_VERSION),
                                       "X-Tournee-Protocol-Oldest": str(protocol.OLDEST_ACCEPTED)}
