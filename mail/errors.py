"""The errors that leave `mail/`: whether delivery may be tried again, or never."""

from __future__ import annotations


class MailError(Exception):
    """Delivery failed; the message never contains the mail's body."""


class TemporaryMailError(MailError):
    """Worth trying again later: the server is busy or answered 4xx."""


class MailServerUnavailableError(TemporaryMailError):
    """The server could not be reached, or stopped answering: try again later, and skip the
    rest of this pass, since the next message would wait for the same server."""


class PermanentMailError(MailError):
    """The server refused this message for good (5xx to the sender, a recipient or the
    content): trying again would get the same answer."""
