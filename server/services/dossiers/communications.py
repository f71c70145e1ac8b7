"""Messages to customers (W8 reminders) through a pluggable sender. The default sender writes the message
to the Communication outbox table and to the log; an e-mail/SMS gateway can be plugged with `use_sender`."""
import logging
from typing import Callable

from ...extensions import db
from ...models import Communication, Dossier

log = logging.getLogger("tournee.communications")

Sender = Callable[[Communication], None]


def outbox_sender(message: Communication) -> None:
    """Default: the message stays queued in the outbox table (a relay sends it) and is logged."""
    message.status = "queued"
    log.info("communication %s to %s: %s", message.channel, message.recipient, message.subject or message.body[:60])


_sender: list[Sender] = [outbox_sender]


def use_sender(sender: Sender | None) -> None:
    """Plug another sender (None restores the outbox)."""
    _sender[0] = sender or outbox_sender


def send_message(*, channel: str, recipient: str, body: str, subject: str | None = None,
                 dossier: Dossier | None = None, now=None) -> Communication:
    """Record the message (added to the session, the caller commits) and hand it to the sender."""
    message = Communication(channel=channel, recipient=recipient, subject=subject, body=body,
                            dossier_id=dossier.id if dossier else None, status="queued")
    if now is not None:
        message.created_at = now
    db.session.add(message)
    try:
        _sender[0](message)
    except Exception:  # a gateway failure must not stop the timeline; the outbox keeps the message
        log.exception("sender failed for %s", recipient)
        message.status = "failed"
    db.session.flush()
    return message
