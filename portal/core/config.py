"""Configuration: defaults, then the CONTRACT.md environment names, then FOYER_* variables,
then explicit overrides (tests). Nothing else in the code base reads os.environ."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from flask import Flask

CONTRACT_NAMES = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "PLATFORM_DOMAIN",
    "PLATFORM_CNAME_TARGET",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER",
    "DNS_NAMESERVERS",
    "TRUSTED_PROXIES",
)
_SENDER_ADDRESS = re.compile(r"[^\s@<>(),;:\"\[\]\\]+@[A-Za-z0-9.-]+")
INTEGER_NAMES = {"MAIL_PORT", "TRUSTED_PROXIES"}
BOOLEAN_NAMES = {"MAIL_USE_TLS", "MAIL_USE_SSL", "REQUIRE_OPERATOR_2FA"}


class Defaults:
    PLATFORM_DOMAIN = "localhost"
    PLATFORM_CNAME_TARGET = ""
    REDIS_URL = ""
    REDIS_KEY_PREFIX = "foyer:"
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = ""
    MAIL_TIMEOUT = 10
    MAIL_SUPPRESS_SEND = False
    DNS_NAMESERVERS = ""
    DNS_TIMEOUT = 3.0  # seconds for one lookup
    DNS_CHECK_BUDGET = 20.0  # seconds for all the lookups of one check; then "retry later"
    PLATFORM_ADDRESSES = ""  # comma-separated IPs that apex custom domains point A/AAAA at
    PLATFORM_CA_DOMAIN = ""  # e.g. "letsencrypt.org": custom domains whose CAA forbids it fail
    CHECK_EMAIL_DOMAINS: bool | None = None
    REQUIRE_OPERATOR_2FA = True  # operators set up a second factor before using the console
    PLATFORM_SPF_INCLUDE = ""  # empty: _spf.<PLATFORM_DOMAIN>; firms' SPF records include it
    RETURN_PATH_HOST = ""  # set: firms add a bounces.<domain> CNAME to it (envelope sender)
    MAIL_DOMAIN_KEY_SECRET = ""  # empty: DKIM private keys are encrypted with SECRET_KEY
    MAIL_DOMAIN_AUTO_RECHECK = True  # schedule checks: backoff while pending, daily verified
    MAIL_DOMAIN_PENDING_CHECK_DELAYS = "300,900,1800,3600,10800,21600"
    MAIL_DOMAIN_VERIFIED_CHECK_INTERVAL = 86400
    # A verified sending domain falls back to the platform sender after this many definite
    # failures in a row (DNS timeouts and SERVFAIL never count) that span at least this long
    # (re-checked on the pending delays meanwhile); one good check clears them.
    MAIL_DOMAIN_BREAK_AFTER_FAILURES = 3
    MAIL_DOMAIN_BREAK_GRACE_SECONDS = 600
    # Custom web domains: seconds between checks while not verified (the last repeats, for up
    # to 7 days), then once verified; the sweep enqueues every check that is due.
    WEB_DOMAIN_PENDING_CHECK_DELAYS = "60,180,600,1800,3600"
    WEB_DOMAIN_VERIFIED_CHECK_INTERVAL = 86400
    # A just-added web domain stays Pending (never "Not working") while its checks find no
    # records for this long; the first definite answer after it decides.
    WEB_DOMAIN_GRACE_SECONDS = 600
    # A verified web domain stops being served after this many definite failures in a row that
    # span at least this long (re-checked on the pending delays meanwhile).
    WEB_DOMAIN_BREAK_AFTER_FAILURES = 3
    WEB_DOMAIN_BREAK_GRACE_SECONDS = 600
    DOMAIN_SWEEP_INTERVAL = 300
    TRUSTED_PROXIES = 0
    PREFERRED_URL_SCHEME = "https"
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None
    TENANT_CACHE_TTL = 300.0  # a safety net only: the shared version is checked every second
    TENANT_CACHE_VERSION_CHECK_INTERVAL = 1.0
    OUTBOX_BATCH_SIZE = 200
    OUTBOX_RETRY_DELAYS = "30,120,600,1800,3600"
    OUTBOX_LEASE_SECONDS = 120
    OUTBOX_SWEEP_INTERVAL = 60
    OUTBOX_SWEEP_GRACE_SECONDS = 60  # rows younger than this are left to their own job
    SIGNUP_PURGE_INTERVAL = 3600
    AUDIT_RETENTION_DAYS = 365  # audit events older than this are deleted by a daily job
    AUDIT_PURGE_INTERVAL = 86400
    DOCUMENT_REMINDER_INTERVAL = 3600  # document request reminders (sent once per day each)
    NOTIFICATION_GROUP_WINDOW = 300  # seconds: notifications of one thread make one email
    NOTIFICATION_DIGEST_INTERVAL = 86400  # the daily notification digest
    NOTIFICATION_SWEEP_INTERVAL = 300  # re-queues notification emails whose job was lost
    VAPID_PRIVATE_KEY = ""  # PEM; empty: a key pair generated once and stored in the database
    VAPID_PUBLIC_KEY = ""  # base64url uncompressed P-256 point matching VAPID_PRIVATE_KEY
    VAPID_SUBJECT = ""  # mailto:/https: contact for push services; empty: the default sender
    PUSH_ALLOW_LOOPBACK_HTTP = False  # tests only: push endpoints on http://127.0.0.1
    EMBEDDED_SCHEDULER = True  # without REDIS_URL the web process runs the recurring jobs
    INVITE_EXPIRY_DAYS = 14
    STAFF_INVITE_EXPIRY_DAYS = 7
    RATELIMIT_ENABLED = True
    # Redis unreachable: rate limits count in each process for this long, then try Redis again.
    RATELIMIT_FALLBACK_SECONDS = 30.0
    RATELIMIT_REDIS_TIMEOUT = 1.0  # seconds per Redis operation of the rate limiter
    API_RATE_LIMIT = "600/minute"  # per API token (RateLimit-* headers)
    WEBHOOK_SWEEP_INTERVAL = 300  # seconds between sweeps that re-queue lost webhook deliveries
    UPLOAD_FOLDER = ""  # empty: <instance folder>/uploads (portal/storage.py)
    # Files (portal/files): where uploads are kept, and the platform's limits.
    STORAGE_BACKEND = "local"  # "local" (UPLOAD_FOLDER) or "s3"
    S3_BUCKET = ""
    S3_ENDPOINT_URL = ""  # empty: AWS; set for MinIO, Ceph, R2, ...
    S3_REGION = ""
    S3_PREFIX = ""  # optional folder inside the bucket
    MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # per file; firms choose a lower limit
    TENANT_STORAGE_QUOTA_BYTES = 10 * 1024**3  # per firm, trash included
    FILES_TRASH_DAYS = 30
    FILES_PURGE_INTERVAL = 3600
    TENANT_PURGE_INTERVAL = 3600  # seconds between purges of tenants past their grace period
    ZIP_MAX_UNCOMPRESSED_BYTES = 1024**3  # archives and Office files expanding beyond: refused
    DEFAULT_CURRENCY = "USD"  # invoices of firms that chose none (Settings › Billing)
    STRIPE_API_BASE = "https://api.stripe.com"  # tests point it at their local stub
    ZIP_MAX_RATIO = 100  # uncompressed / compressed, above a few MB
    ZIP_MAX_ENTRIES = 10_000


def load_config(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    app.config.from_object(Defaults)
    for name in CONTRACT_NAMES:
        if name in os.environ:
            app.config[name] = _coerce(name, os.environ[name])
    app.config.from_prefixed_env("FOYER")
    if overrides:
        app.config.update(overrides)
    _derive(app)


def _coerce(name: str, raw: str) -> Any:
    if name in INTEGER_NAMES:
        return int(raw)
    if name in BOOLEAN_NAMES:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return raw


def _derive(app: Flask) -> None:
    config = app.config
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'foyer.sqlite'}"
    config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")
    domain = config["PLATFORM_DOMAIN"].strip().lower().rstrip(".")
    config["PLATFORM_DOMAIN"] = domain
    if not config.get("PLATFORM_CNAME_TARGET"):
        config["PLATFORM_CNAME_TARGET"] = f"domains.{domain}"
    config["PLATFORM_HOSTS"] = frozenset({domain, f"admin.{domain}"})
    if not config.get("PLATFORM_SPF_INCLUDE"):
        config["PLATFORM_SPF_INCLUDE"] = f"_spf.{domain}"
    if not config.get("MAIL_DEFAULT_SENDER"):
        config["MAIL_DEFAULT_SENDER"] = f"notifications@{_mail_domain(domain)}"
    name, address = _parse_sender(str(config["MAIL_DEFAULT_SENDER"]))
    config["MAIL_DEFAULT_SENDER_NAME"] = name
    config["MAIL_DEFAULT_SENDER_ADDRESS"] = address  # firms' names go with this address
    config["OUTBOX_RETRY_SCHEDULE"] = tuple(
        int(part) for part in str(config["OUTBOX_RETRY_DELAYS"]).split(",") if part.strip()
    )
    config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"] or "memory://"
    if config["CHECK_EMAIL_DOMAINS"] is None:
        # In embedded mode jobs run inside the request: no DNS round trips there by default.
        config["CHECK_EMAIL_DOMAINS"] = bool(config["REDIS_URL"])


def _parse_sender(raw: str) -> tuple[str, str]:
    """`address` or `Name <address>` (as Flask-Mail documents it): refused at start-up when the
    address part is not a plain `local@domain`, so no email goes out From a broken address."""
    name, address = parseaddr(raw)
    local, at, domain = address.rpartition("@")
    if not (at and local and "." in domain and _SENDER_ADDRESS.fullmatch(address)):
        raise ValueError(
            f"MAIL_DEFAULT_SENDER: {raw!r} is not an email address; use "
            "'no-reply@example.com' or 'Name <no-reply@example.com>'"
        )
    return name, address


def _mail_domain(domain: str) -> str:
    """`localhost` is not a valid mail domain for most relays; use a reserved example name."""
    return "foyer.example" if domain in {"localhost", ""} else domain


def _instance_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    secret = secrets.token_hex(32)
    path.write_text(secret)
    path.chmod(0o600)
    return secret
