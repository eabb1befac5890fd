"""Email backends for the reminder tests: an SMTP server that fails or refuses chosen addresses,
and counts the connections it is opened with."""

import smtplib

from django.core.mail.backends import locmem


class FlakyBackend(locmem.EmailBackend):
    """Like locmem, but `transient[address]` sends fail with a dropped connection first, and
    addresses in `refused` are refused for good. Class-level state, reset by the tests' fixture."""

    transient: dict[str, int] = {}
    refused: set[str] = set()
    opened = 0

    def open(self):
        type(self).opened += 1
        return super().open()

    def send_messages(self, messages):
        for message in messages:
            for address in message.to:
                if address in self.refused:
                    raise smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 No such user")})
                if self.transient.get(address, 0) > 0:
                    self.transient[address] -= 1
                    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
