"""The DNS resolver of the domain checks against a real DNS server on loopback: answers,
absences, and failures."""

from __future__ import annotations

import time

import pytest
from dns.name import root

from portal.core.dns import Outcome, lookup, make_resolver, parse_nameservers, txt_value


@pytest.fixture
def resolver(dns):  # type: ignore[no-untyped-def]
    return make_resolver({"DNS_NAMESERVERS": dns.nameservers, "DNS_TIMEOUT": 0.5})


def test_nameservers_take_optional_ports():
    servers = parse_nameservers("10.0.0.2, 127.0.0.1:5353,[::1]:5300, ::1,")
    assert [(s.address, s.port) for s in servers] == [
        ("10.0.0.2", 53),
        ("127.0.0.1", 5353),
        ("::1", 5300),
        ("::1", 53),
    ]
    assert parse_nameservers("") == []
    for bad in ("dns.example", "127.0.0.1:0", "127.0.0.1:port", "[::1]:99999"):
        with pytest.raises(ValueError):
            parse_nameservers(bad)


def test_resolver_uses_only_the_configured_server(dns, resolver):
    assert [(s.address, s.port) for s in resolver.nameservers] == [("127.0.0.1", dns.port)]
    assert resolver.lifetime == 0.5


def test_records_of_each_type_are_found(dns, resolver):
    dns.add("example.test", "MX", "10 mail.example.test.", "20 backup.example.test.")
    dns.add("example.test", "A", "192.0.2.10")
    dns.add("example.test", "AAAA", "2001:db8::10")
    dns.add("example.test", "CAA", '0 issue "ca.example"')
    dns.add("www.example.test", "CNAME", "example.test.")

    mx = lookup(resolver, "Example.Test", "MX")
    assert mx.outcome is Outcome.FOUND
    assert sorted((r.preference, r.exchange.to_text()) for r in mx.records) == [
        (10, "mail.example.test."),
        (20, "backup.example.test."),
    ]
    assert [r.address for r in lookup(resolver, "example.test", "AAAA").records] == ["2001:db8::10"]
    (caa,) = lookup(resolver, "example.test", "CAA").records
    assert (caa.tag, caa.value) == (b"issue", b"ca.example")
    via_cname = lookup(resolver, "www.example.test", "A")
    assert [r.address for r in via_cname.records] == ["192.0.2.10"]
    assert dns.queried("www.example.test", "A")


def test_txt_records_keep_their_strings_and_long_values_come_over_tcp(dns, resolver):
    key = "v=DKIM1; k=rsa; p=" + "A" * 600
    dns.add("example.test", "TXT", "v=spf1 -all", ["part one ", "part two"])
    dns.add("sel._domainkey.example.test", "TXT", key)

    values = sorted(txt_value(r) for r in lookup(resolver, "example.test", "TXT").records)
    assert values == ["part one part two", "v=spf1 -all"]
    (dkim,) = lookup(resolver, "sel._domainkey.example.test", "TXT").records
    assert [len(s) for s in dkim.strings] == [255, 255, 108]
    assert txt_value(dkim) == key
    protocols = [q.protocol for q in dns.queries if q.name == "sel._domainkey.example.test"]
    assert protocols == ["udp", "tcp"], "a truncated UDP answer is retried over TCP"


def test_unknown_names_and_absent_types_are_missing(dns, resolver):
    dns.add("_dmarc.example.test", "TXT", "v=DMARC1; p=none")

    unknown = lookup(resolver, "nowhere.test", "MX")
    assert unknown.outcome is Outcome.MISSING and unknown.nxdomain
    no_mx = lookup(resolver, "_dmarc.example.test", "MX")
    assert no_mx.outcome is Outcome.MISSING and not no_mx.nxdomain
    parent = lookup(resolver, "example.test", "TXT")
    assert parent.missing and not parent.nxdomain, "an empty non-terminal exists"
    assert lookup(resolver, "bad..name", "A").missing


def test_servfail_is_temporary(dns, resolver):
    dns.add("broken.test", "MX", "10 mail.broken.test.")
    dns.servfail("broken.test")
    result = lookup(resolver, "broken.test", "MX")
    assert result.outcome is Outcome.TEMPORARY
    assert not result.nxdomain


def test_servfail_for_one_type_only(dns, resolver):
    dns.add("half.test", "A", "192.0.2.1")
    dns.servfail("half.test", "MX")
    assert lookup(resolver, "half.test", "MX").temporary
    assert lookup(resolver, "half.test", "A").found


def test_no_answer_at_all_is_temporary_within_the_timeout(dns, resolver):
    dns.add("silent.test", "MX", "10 mail.silent.test.")
    dns.timeout("silent.test")
    started = time.monotonic()
    result = lookup(resolver, "silent.test", "MX")
    assert result.outcome is Outcome.TEMPORARY
    assert result.detail == "timeout"
    assert time.monotonic() - started < 2
    assert dns.queried("silent.test", "MX")


def test_an_unreachable_server_is_temporary():
    resolver = make_resolver({"DNS_NAMESERVERS": "127.0.0.1:9", "DNS_TIMEOUT": 0.3})
    assert lookup(resolver, "example.test", "MX").temporary


def test_null_mx_is_an_answer(dns, resolver):
    dns.add("nomail.test", "MX", "0 .")
    (record,) = lookup(resolver, "nomail.test", "MX").records
    assert record.exchange == root
