"""Which versions of the protocol the two sides speak (PROTOCOL §0).

The tablet sends `X-Tournee-Protocol: <n>` on every call; the server answers with the version it speaks
and the oldest it still accepts. A tablet older than that, or newer than the server, is refused with
426 and a French message; its outbox stays whole and is sent once the older side is updated."""
from .errors import SyncError

PROTOCOL_VERSION = 1  # what this server speaks
OLDEST_ACCEPTED = 1  # the oldest tablet protocol still served
REQUEST_HEADER = "X-Tournee-Protocol"
ANSWER_HEADERS = {"X-Tournee-Protocol": str(PROTOCOL_VERSION), "X-Tournee-Protocol-Oldest": str(OLDEST_ACCEPTED)}


class TabletTooOld(SyncError):
    code, http_status = "protocol_too_old", 426


class ServerTooOld(SyncError):
    code, http_status = "server_too_old", 426


def check_protocol(sent: str | None) -> None:
    """Accept a tablet speaking a version in [OLDEST_ACCEPTED, PROTOCOL_VERSION]; no header is version 1
    (tablets from before the header)."""
    if sent is None or not sent.strip():
        version = 1
    else:
        try:
            version = int(sent.strip())
        except ValueError:
            raise SyncError(f"En-tête {REQUEST_HEADER} illisible : un numéro de version entier est attendu.") from None
    if version < OLDEST_ACCEPTED:
        raise TabletTooOld(
            f"Application de la tablette trop ancienne (protocole {version}, le serveur exige au moins le "
            f"{OLDEST_ACCEPTED}) : connectez-vous au réseau et rouvrez l'application pour la mettre à jour. "
            "Vos comptes-rendus restent sur la tablette.")
    if version > PROTOCOL_VERSION:
        raise ServerTooOld(
            f"Serveur trop ancien pour cette application (protocole {version}, le serveur parle le "
            f"{PROTOCOL_VERSION}) : prévenez le service informatique. Vos comptes-rendus restent sur la "
            "tablette et partiront après la mise à jour du serveur.")
