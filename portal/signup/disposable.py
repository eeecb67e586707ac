"""Well-known disposable mailbox providers: such sign-ups are allowed but flagged for the firm."""

from __future__ import annotations

DISPOSABLE_DOMAINS = frozenset(
    """10minutemail.com 20minutemail.com 33mail.com anonbox.net discard.email dispostable.com
    emailondeck.com fakeinbox.com getairmail.com getnada.com guerrillamail.biz guerrillamail.com
    guerrillamail.de guerrillamail.info guerrillamail.net guerrillamail.org guerrillamailblock.com
    harakirimail.com inboxkitten.com jetable.org mailcatch.com maildrop.cc mailinator.com
    mailinator.net mailnesia.com mintemail.com moakt.com mohmal.com mytemp.email sharklasers.com
    spam4.me spambox.us spamgourmet.com temp-mail.io temp-mail.org tempail.com tempmail.com
    tempmail.net tempmailo.com tempr.email throwawaymail.com trashmail.com trashmail.de
    trashmail.net yopmail.com yopmail.fr yopmail.net""".split()
)


def is_disposable(email: str) -> bool:
    domain = email.rpartition("@")[2].lower()
    return any(domain == d or domain.endswith("." + d) for d in DISPOSABLE_DOMAINS)
