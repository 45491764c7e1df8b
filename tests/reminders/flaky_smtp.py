"""An email backend that refuses the first N messages like an SMTP server that is down, then
behaves as Django's locmem backend (mail.outbox). Not a mock: the code under test calls Django's
email API exactly as in production, and the failure comes through it."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FlakySMTPBackend(LocmemBackend):
    failures_left = 0

    def send_messages(self, messages):
        if FlakySMTPBackend.failures_left > 0:
            FlakySMTPBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
