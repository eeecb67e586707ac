"""Check each published record separately: OK, missing, invalid (with a plain-words reason)
or temporary (the DNS did not answer: retried later, never reported as a failure).

SPF and DMARC are parsed and evaluated by checkdmarc (lookup counting, void lookups, loops,
syntax), DKIM tags by dkimpy; every query goes through our resolver (DNS_NAMESERVERS).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import checkdmarc.utils
import dns.exception
import dns.resolver
from checkdmarc import dmarc as cd_dmarc
from checkdmarc import spf as cd_spf
from dkim.util import InvalidTagValueList, parse_tag_value
from dns.rdtypes.ANY.CNAME import CNAME

from portal.core.dns import BudgetResolver, Lookup, lookup, make_resolver, txt_values
from portal.maildomains.keys import MIN_KEY_BITS, public_key_bits, same_public_key
from portal.maildomains.models import MailDomainStatus, RecordStatus
from portal.maildomains.records import (
    OWNERSHIP_LABEL,
    RETURN_PATH_LABEL,
    ownership_value,
    spf_include,
)

RECORD_KEYS = ("ownership", "dkim", "spf", "dmarc", "return_path")
TEMPORARY_ERRORS = (dns.exception.Timeout, dns.resolver.NoNameservers, OSError)


@dataclass(frozen=True, slots=True)
class DomainFacts:
    """What the checks need, copied out of the row: no transaction is held during DNS."""

    domain: str
    selector: str
    public_key: str
    ownership_token: str


@dataclass(frozen=True, slots=True)
class RecordCheck:
    status: RecordStatus
    reason: str = ""


@dataclass
class CheckResult:
    records: dict[str, RecordCheck] = field(default_factory=dict)
    existing_spf: str | None = None  # None: unknown this time (keep what we knew)
    existing_dmarc: str | None = None

    def outcome(self, previous: str) -> str:
        """The domain's status after this check; temporary answers keep the previous one."""
        statuses = [check.status for check in self.records.values()]
        if all(status is RecordStatus.OK for status in statuses):
            return MailDomainStatus.VERIFIED
        if any(status in (RecordStatus.MISSING, RecordStatus.INVALID) for status in statuses):
            if previous in (MailDomainStatus.VERIFIED, MailDomainStatus.FAILING):
                return MailDomainStatus.FAILING
            return MailDomainStatus.PENDING
        return previous


class _TrackingResolver(BudgetResolver):
    """Our resolver, noting whether any lookup failed temporarily (for checkdmarc's lookups)."""

    temporary = False

    def resolve(self, *args: Any, **kwargs: Any) -> dns.resolver.Answer:
        try:
            return super().resolve(*args, **kwargs)
        except TEMPORARY_ERRORS:
            self.temporary = True
            raise


def _tracking(base: dns.resolver.Resolver) -> _TrackingResolver:
    resolver = _TrackingResolver(configure=False)
    resolver.nameservers = base.nameservers
    resolver.timeout = base.timeout
    resolver.lifetime = base.lifetime
    resolver.deadline = getattr(base, "deadline", resolver.deadline)  # the check's budget
    return resolver


def check_domain(facts: DomainFacts, config: Mapping[str, Any]) -> CheckResult:
    resolver = make_resolver(config)
    # checkdmarc keeps a process-wide answer cache; a check must see the DNS as it is now.
    checkdmarc.utils.DNS_CACHE.clear()
    result = CheckResult()
    result.records["ownership"] = check_ownership(resolver, facts)
    result.records["dkim"] = check_dkim(resolver, facts)
    result.records["spf"], result.existing_spf = check_spf(resolver, facts.domain, config)
    result.records["dmarc"], result.existing_dmarc = check_dmarc(
        resolver, facts.domain, dkim_ok=result.records["dkim"].status is RecordStatus.OK
    )
    if config.get("RETURN_PATH_HOST"):
        result.records["return_path"] = check_return_path(
            resolver, facts.domain, str(config["RETURN_PATH_HOST"])
        )
    return result


def _temporary(name: str, found: Lookup) -> RecordCheck:
    return RecordCheck(
        RecordStatus.TEMPORARY,
        f"The DNS did not answer for {name} ({found.detail}); we will check again.",
    )


def _lookups_failed(name: str, found: Lookup) -> RecordCheck:
    """checkdmarc's own lookups (includes, redirects) timed out or got SERVFAIL."""
    return _temporary(name, Lookup(found.outcome, detail="timeout or SERVFAIL"))


def check_ownership(resolver: dns.resolver.Resolver, facts: DomainFacts) -> RecordCheck:
    name = f"{OWNERSHIP_LABEL}.{facts.domain}"
    found = lookup(resolver, name, "TXT")
    if found.temporary:
        return _temporary(name, found)
    if found.missing:
        return RecordCheck(RecordStatus.MISSING, f"No TXT record at {name}.")
    if ownership_value(facts.ownership_token) in [v.strip() for v in txt_values(found)]:
        return RecordCheck(RecordStatus.OK)
    return RecordCheck(
        RecordStatus.INVALID, f"The TXT record at {name} does not hold the value shown here."
    )


def check_dkim(resolver: dns.resolver.Resolver, facts: DomainFacts) -> RecordCheck:
    name = f"{facts.selector}._domainkey.{facts.domain}"
    found = lookup(resolver, name, "TXT")
    if found.temporary:
        return _temporary(name, found)
    if found.missing:
        return RecordCheck(RecordStatus.MISSING, f"No DKIM record at {name}.")
    keys = []
    for value in txt_values(found):
        try:
            keys.append(parse_tag_value(value.encode("utf-8")))
        except InvalidTagValueList:
            return RecordCheck(RecordStatus.INVALID, f"The DKIM record at {name} is malformed.")
    if len(keys) > 1:
        return RecordCheck(
            RecordStatus.INVALID, f"There are {len(keys)} TXT records at {name}; keep only one."
        )
    tags = keys[0]
    if tags.get(b"v", b"DKIM1") != b"DKIM1" or tags.get(b"k", b"rsa") != b"rsa":
        return RecordCheck(RecordStatus.INVALID, f"The record at {name} is not an RSA DKIM key.")
    published = b"".join(tags.get(b"p", b"").split()).decode("ascii", "replace")
    if not published:
        return RecordCheck(RecordStatus.INVALID, f"The DKIM key at {name} is empty (revoked).")
    bits = public_key_bits(published)
    if bits is not None and bits < MIN_KEY_BITS:
        return RecordCheck(
            RecordStatus.INVALID,
            f"The DKIM key at {name} is too weak ({bits} bits; at least {MIN_KEY_BITS} bits,"
            " 2048 recommended): receivers ignore it. Publish the value shown here instead.",
        )
    if not same_public_key(published, facts.public_key):
        return RecordCheck(
            RecordStatus.INVALID,
            "The DKIM key published does not match the key we sign with: copy the value again.",
        )
    return RecordCheck(RecordStatus.OK)


def _spf_records(values: list[str]) -> list[str]:
    return [v for v in values if v.lower() == "v=spf1" or v.lower().startswith("v=spf1 ")]


def check_spf(
    resolver: dns.resolver.Resolver, domain: str, config: Mapping[str, Any]
) -> tuple[RecordCheck, str | None]:
    found = lookup(resolver, domain, "TXT")
    if found.temporary:
        return _temporary(domain, found), None
    records = _spf_records(txt_values(found)) if found.found else []
    if not records:
        return RecordCheck(RecordStatus.MISSING, f"No SPF record at {domain}."), ""
    if len(records) > 1:
        reason = (
            f"There are {len(records)} SPF records at {domain}; receivers then ignore SPF. "
            "Merge them into the one record shown here."
        )
        return RecordCheck(RecordStatus.INVALID, reason), records[0]
    record = records[0]
    tracking = _tracking(resolver)
    try:
        parsed = cd_spf.parse_spf_record(
            record, domain, resolver=tracking, timeout=resolver.lifetime, retries=0
        )
    except cd_spf.SPFTooManyDNSLookups as exc:
        count = exc.data.get("dns_lookups", "more than 10")
        reason = (
            f"Your SPF record needs {count} DNS lookups; receivers stop at 10. "
            "Remove includes you no longer use."
        )
        return RecordCheck(RecordStatus.INVALID, reason), record
    except cd_spf.SPFTooManyVoidDNSLookups:
        reason = "Your SPF record names more than 2 domains that do not exist or have no record."
        return RecordCheck(RecordStatus.INVALID, reason), record
    except (cd_spf.SPFIncludeLoop, cd_spf.SPFRedirectLoop):
        return RecordCheck(
            RecordStatus.INVALID, "Your SPF record includes itself (a loop)."
        ), record
    except cd_spf.SPFError as exc:
        if tracking.temporary:
            return _lookups_failed(domain, found), None
        return RecordCheck(RecordStatus.INVALID, f"Your SPF record is invalid: {exc}"), record
    if _includes(parsed.get("parsed", {}), spf_include(config)):
        return RecordCheck(RecordStatus.OK), record
    if tracking.temporary:
        return _lookups_failed(domain, found), None
    reason = f"Your SPF record does not include include:{spf_include(config)}."
    return RecordCheck(RecordStatus.INVALID, reason), record


def _includes(parsed: Mapping[str, Any], include: str, depth: int = 0) -> bool:
    """Walk the evaluated include/redirect tree: our domain must be reached with a pass."""
    if depth > 10:
        return False
    for mechanism in parsed.get("mechanisms", []):
        if mechanism.get("mechanism") != "include" or mechanism.get("action") != "pass":
            continue
        value = str(mechanism.get("value", "")).lower().rstrip(".")
        if value == include.lower() or _includes(mechanism.get("parsed") or {}, include, depth + 1):
            return True
    redirect = parsed.get("redirect") or {}
    if redirect:
        target = str(redirect.get("value", redirect.get("domain", ""))).lower().rstrip(".")
        return target == include.lower() or _includes(
            redirect.get("parsed") or {}, include, depth + 1
        )
    return False


def check_dmarc(
    resolver: dns.resolver.Resolver, domain: str, *, dkim_ok: bool
) -> tuple[RecordCheck, str | None]:
    name = f"_dmarc.{domain}"
    found = lookup(resolver, name, "TXT")
    if found.temporary:
        return _temporary(name, found), None
    records = [v for v in txt_values(found) if v.strip().lower().startswith("v=dmarc1")]
    if not records:
        return RecordCheck(RecordStatus.MISSING, f"No DMARC record at {name}."), ""
    if len(records) > 1:
        reason = f"There are {len(records)} DMARC records at {name}; keep only one."
        return RecordCheck(RecordStatus.INVALID, reason), records[0]
    record = records[0]
    tracking = _tracking(resolver)
    try:
        parsed = cd_dmarc.parse_dmarc_record(
            record, domain, resolver=tracking, timeout=resolver.lifetime, retries=0
        )
    except cd_dmarc.DMARCError as exc:
        if tracking.temporary:
            return _lookups_failed(name, found), None
        return RecordCheck(RecordStatus.INVALID, f"The DMARC record is malformed: {exc}"), record
    policy = str(parsed["tags"]["p"]["value"]).lower()
    if policy in ("reject", "quarantine") and not dkim_ok:
        reason = (
            f"DMARC says p={policy} but your mail is not yet aligned (DKIM is not in place): "
            "receivers would reject it. Publish the DKIM record first."
        )
        return RecordCheck(RecordStatus.INVALID, reason), record
    return RecordCheck(RecordStatus.OK), record


def check_return_path(resolver: dns.resolver.Resolver, domain: str, target: str) -> RecordCheck:
    name = f"{RETURN_PATH_LABEL}.{domain}"
    found = lookup(resolver, name, "CNAME")
    if found.temporary:
        return _temporary(name, found)
    if found.missing:
        return RecordCheck(RecordStatus.MISSING, f"No CNAME record at {name}.")
    points_to = str(found.of_type(CNAME)[0].target).rstrip(".").lower()
    if points_to != target.rstrip(".").lower():
        return RecordCheck(
            RecordStatus.INVALID, f"{name} points to {points_to} instead of {target}."
        )
    return RecordCheck(RecordStatus.OK)
