"""The DNS records a firm publishes for its sending domain, with values merged into what it
already has (one SPF record, an existing DMARC policy respected)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from portal.core.dns import DnsRecord
from portal.maildomains.models import MailDomain

OWNERSHIP_LABEL = "_foyer-verify"
OWNERSHIP_PREFIX = "foyer-verify="
RETURN_PATH_LABEL = "bounces"
SUGGESTED_DMARC = "v=DMARC1; p=none; adkim=r; aspf=r"
_ALL_OR_REDIRECT = re.compile(r"^([+?~-]?all|redirect=.*)$", re.IGNORECASE)


def spf_include(config: Mapping[str, Any]) -> str:
    return str(config["PLATFORM_SPF_INCLUDE"])


def merged_spf(existing: str, include: str) -> str:
    """The firm's one SPF record with our include added before its `all`/`redirect` term."""
    if not existing:
        return f"v=spf1 include:{include} ~all"
    terms = existing.split()
    if any(term.lower().lstrip("+") == f"include:{include}".lower() for term in terms):
        return " ".join(terms)
    position = next(
        (i for i, term in enumerate(terms) if i and _ALL_OR_REDIRECT.match(term)), len(terms)
    )
    return " ".join([*terms[:position], f"include:{include}", *terms[position:]])


def dkim_value(public_key: str) -> str:
    return f"v=DKIM1; k=rsa; p={public_key}"


def ownership_value(token: str) -> str:
    return f"{OWNERSHIP_PREFIX}{token}"


def records_for(domain: MailDomain, config: Mapping[str, Any]) -> list[DnsRecord]:
    """Exactly what the firm publishes, with values merged into the records it already has.
    Each record's purpose is one of `checks.RECORD_KEYS`: its status is `<purpose>_status`."""
    name = domain.domain
    records = [
        DnsRecord(
            "TXT",
            f"{OWNERSHIP_LABEL}.{name}",
            ownership_value(domain.ownership_token),
            "ownership",
            "Proves that this firm controls the domain.",
        ),
        DnsRecord(
            "TXT",
            f"{domain.selector}._domainkey.{name}",
            dkim_value(domain.public_key),
            "dkim",
            "Paste the whole value; most DNS providers split long values by themselves.",
        ),
        DnsRecord(
            "TXT",
            name,
            merged_spf(domain.existing_spf, spf_include(config)),
            "spf",
            "Replaces your current SPF record (a domain must have only one)."
            if domain.existing_spf
            else "Only one SPF record is allowed: add this one.",
        ),
        DnsRecord(
            "TXT",
            f"_dmarc.{name}",
            domain.existing_dmarc or SUGGESTED_DMARC,
            "dmarc",
            "Your existing DMARC record is kept as it is."
            if domain.existing_dmarc
            else "Recommended start: p=none; move to p=quarantine once reports look clean.",
        ),
    ]
    if config.get("RETURN_PATH_HOST"):
        records.append(
            DnsRecord(
                "CNAME",
                f"{RETURN_PATH_LABEL}.{name}",
                str(config["RETURN_PATH_HOST"]),
                "return_path",
                "Bounces come back to the platform through this name.",
            )
        )
    return records
