"""The platform-scale data set of issue #19, filled with set-based SQL in a few minutes.

    .venv/bin/python -m bench.dataset --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
        [--scale 1.0] [--keep]

Without `--keep` the script fills a fresh schema, prints the counts and drops it again (a dry
run that times the fill). With `--keep` it prints the URL of the schema it filled and leaves it
for `bench.pages --database-url <that URL> --keep`; drop it afterwards with
`DROP SCHEMA <name> CASCADE`. `--scale 0.01` builds a small version for a quick check.

Every row is made by `INSERT … SELECT … FROM generate_series` on the migrated tables (no ORM),
with explicit ids, so composite foreign keys (tenant_id, x_id) line up without lookups; the
sequences are moved past the ids at the end, then ANALYZE.

Layout (at scale 1):
- tenant 1 `bigfirm`: 150,000 accounts, 200,000 contacts (every account has one, 50,000 have a
  second), login enabled for 90%, two thirds activated with a password; 20,000 invitations on
  the others, a quarter each open, expired, used and cancelled; 100,000 message threads with
  10 messages each (1,000,000 messages; the signed-in client's account has 40 threads);
  100,000 files (metadata only) and 100,000 invoices with two lines each; an owner and 20 staff.
- tenant 2 `smallfirm`: 10 accounts with one contact each, an owner: the "same page on a tenant
  with 10 accounts" the staff-page targets compare with.
- tenants 3…10,000 `firm00003`…: an owner each; 1,000 of them with a verified custom domain
  `portal.firm<n>.example`; varied brand colours, portal names and module settings.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg

from bench import common

PLATFORM_DOMAIN = "bench.example"
PASSWORD = "bench pages kettle 58"
BIG_SLUG = "bigfirm"
SMALL_SLUG = "smallfirm"
OWNER_EMAIL = "owner@{slug}.example"
CLIENT_EMAIL = "client@bigfirm.example"
SMALL_CLIENT_EMAIL = "client@smallfirm.example"
BIG, SMALL = 1, 2  # tenant ids


@dataclass(frozen=True)
class Sizes:
    tenants: int
    custom_domains: int
    accounts: int
    contacts: int
    invitations: int
    threads: int
    messages: int
    files: int
    invoices: int
    staff: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        def n(full: int, least: int) -> int:
            return max(least, round(full * scale))

        accounts = n(150_000, 20)
        threads = n(100_000, 50)
        return cls(
            tenants=n(10_000, 10),
            custom_domains=n(1_000, 2),
            accounts=accounts,
            contacts=max(accounts, n(200_000, 25)),
            invitations=n(20_000, 8),
            threads=threads,
            messages=threads * max(1, n(1_000_000, 500) // threads),
            files=n(100_000, 50),
            invoices=n(100_000, 50),
            staff=20,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL URL (a server)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--keep", action="store_true", help="keep the filled schema and print its URL"
    )
    args = parser.parse_args(argv)
    common.stop_on_sigterm()
    with common.workdir("foyer-bench-dataset-") as workdir:
        if args.keep:
            url = _kept_schema(args.database_url)
            fill(url, Sizes.at(args.scale))
            print(f"\nkept: {url}")
        else:
            with common.fresh_database(args.database_url, workdir) as url:
                fill(url, Sizes.at(args.scale))
            print("\nschema dropped (use --keep to keep it)")
    return 0


def _kept_schema(database_url: str) -> str:
    """A fresh migrated schema that outlives this process (common.fresh_database drops it)."""
    import uuid

    from sqlalchemy import create_engine, text

    schema = f"foyer_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    separator = "&" if "?" in database_url else "?"
    url = f"{database_url}{separator}options=-csearch_path%3D{schema}"
    common.migrate(url)
    return url


def libpq_url(url: str) -> str:
    """SQLAlchemy's `postgresql+psycopg://…` as a plain libpq URL for psycopg."""
    return re.sub(r"^postgresql\+psycopg://", "postgresql://", url)


def fill(url: str, sizes: Sizes) -> None:
    from portal.auth.passwords import hash_password

    password_hash = hash_password(PASSWORD)
    started = time.perf_counter()
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        for table, statement in _statements(sizes):
            with _timed(conn, table):
                conn.execute(statement.replace("PASSWORD_HASH", _literal(password_hash)))
        with _timed(conn, "(sequences)"):
            _move_sequences(conn)
        with _timed(conn, "(ANALYZE)"):
            conn.execute("ANALYZE")
    print(f"{'total':<22}{'':>12}{time.perf_counter() - started:>9.1f} s")


@contextmanager
def _timed(conn: psycopg.Connection, table: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    if table.startswith("("):
        print(f"{table:<22}{'':>12}{elapsed:>9.1f} s")
        return
    count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
    print(f"{table:<22}{count:>12,}{elapsed:>9.1f} s", flush=True)


def _move_sequences(conn: psycopg.Connection) -> None:
    rows = conn.execute(
        "SELECT table_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND column_name = 'id'"
        " AND column_default LIKE 'nextval%'"
    ).fetchall()
    for (table,) in rows:
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
        )


def _statements(s: Sizes) -> list[tuple[str, str]]:
    """(table, SQL) in foreign-key order; PASSWORD_HASH stands for the known password's hash."""
    a, c = s.accounts, s.contacts
    small_accounts = 10
    now = "localtimestamp"
    return [
        (
            "tenants",
            f"""
            INSERT INTO tenants (id, slug, name, status, theme, signup_mode, primary_host,
                welcome_message, invite_expiry_days, created_at, brand_color, accent_color,
                portal_name, support_email, currency, firm_address, languages)
            SELECT n,
                CASE n WHEN {BIG} THEN '{BIG_SLUG}' WHEN {SMALL} THEN '{SMALL_SLUG}'
                    ELSE 'firm' || lpad(n::text, 5, '0') END,
                CASE n WHEN {BIG} THEN 'Big Firm LLP' WHEN {SMALL} THEN 'Small Firm LLP'
                    ELSE 'Firm ' || n || ' Advisors LLP' END,
                'active', 'default',
                CASE WHEN n % 10 = 0 THEN 'open' ELSE 'invite_only' END,
                NULL,
                CASE WHEN n % 2 = 0 THEN 'Welcome to our client portal. Upload your documents'
                    || ' and message your advisor here.' ELSE '' END,
                14, {now} - (n % 700) * interval '1 day',
                '#' || lpad(to_hex((n * 2654435761) % 16777216), 6, '0'),
                '#e8eef5',
                CASE WHEN n % 3 = 0 THEN 'Client Hub ' || n ELSE '' END,
                'support@firm' || n || '.example',
                CASE WHEN n % 4 = 0 THEN 'EUR' ELSE 'USD' END,
                n || ' Main Street, Springfield',
                CASE WHEN n % 5 = 0 THEN 'en,es' ELSE 'en,es,fr,de' END
            FROM generate_series(1, {s.tenants}) AS n
            """,
        ),
        (
            "domains",
            f"""
            INSERT INTO domains (id, tenant_id, host, status, verification_token, verified_at,
                created_at, last_checked_at, failed_checks)
            SELECT n, n + 2, 'portal.firm' || lpad((n + 2)::text, 5, '0') || '.example',
                'verified', md5('token' || n), {now} - interval '30 days',
                {now} - interval '31 days', {now} - interval '1 day', 0
            FROM generate_series(1, {min(s.custom_domains, s.tenants - 2)}) AS n
            """,
        ),
        (
            # Realistic module settings: a third of the firms hide Community and rename
            # Messages, every fifth one turns Invoices off and moves Files first.
            "tenant_modules",
            f"""
            INSERT INTO tenant_modules (tenant_id, key, enabled, title, icon, position)
            SELECT t, m.key, m.enabled, m.title, m.icon, m.position
            FROM generate_series(1, {s.tenants}) AS t
            CROSS JOIN LATERAL (VALUES
                ('messages', true, CASE WHEN t % 3 = 0 THEN 'Secure messages' ELSE '' END,
                    'chat', 10),
                ('community', t % 3 <> 0, '', 'people', 60),
                ('invoices', t % 5 <> 0, '', 'receipt', 40),
                ('files', true, '', 'folder', CASE WHEN t % 5 = 0 THEN 5 ELSE 30 END)
            ) AS m(key, enabled, title, icon, position)
            WHERE t % 3 = 0 OR t % 5 = 0
            """,
        ),
        (
            "staff_members",
            f"""
            INSERT INTO staff_members (id, tenant_id, email, name, role, password_hash,
                session_nonce, created_at)
            SELECT n, n, 'owner@' || t.slug || '.example', 'Owner of ' || t.name, 'owner',
                PASSWORD_HASH, md5('owner' || n)::varchar(32), {now} - interval '400 days'
            FROM generate_series(1, {s.tenants}) AS n JOIN tenants t ON t.id = n
            UNION ALL
            SELECT {s.tenants} + n, {BIG}, 'staff' || n || '@{BIG_SLUG}.example',
                'Staff member ' || n, CASE WHEN n <= 3 THEN 'admin' ELSE 'member' END,
                PASSWORD_HASH, md5('staff' || n)::varchar(32), {now} - interval '200 days'
            FROM generate_series(1, {s.staff}) AS n
            """,
        ),
        (
            "client_accounts",
            f"""
            INSERT INTO client_accounts (id, tenant_id, name, kind, created_at, phone,
                reference_id, billing_email)
            SELECT n, {BIG},
                CASE WHEN n % 2 = 0 THEN 'Company ' || n || ' Holdings Ltd'
                    ELSE 'Person ' || n || ' Smith' END,
                CASE WHEN n % 2 = 0 THEN 'company' ELSE 'individual' END,
                {now} - (n % 900) * interval '1 day', '+1 555 ' || lpad(n::text, 7, '0'),
                'REF-' || n, ''
            FROM generate_series(1, {a}) AS n
            UNION ALL
            SELECT {a} + n, {SMALL}, 'Small client ' || n, 'company',
                {now} - n * interval '1 day', '', '', ''
            FROM generate_series(1, {small_accounts}) AS n
            """,
        ),
        (
            # Two thirds activated (with the known password), the rest pending. Self sign-ups
            # only among the activated: the hourly purge deletes unverified ones, whose
            # accounts hold no threads, files or invoices on a real platform.
            "contacts",
            f"""
            INSERT INTO contacts (id, tenant_id, email, name, self_registered, password_hash,
                session_nonce, activated_at, last_login_at, created_at)
            SELECT n, {BIG},
                CASE WHEN n = 1 THEN '{CLIENT_EMAIL}' ELSE 'contact' || n || '@clients.example'
                    END,
                'Contact ' || n || ' Jones', n % 50 = 0 AND n % 3 <> 0,
                CASE WHEN n % 3 <> 0 THEN PASSWORD_HASH END, md5('contact' || n)::varchar(32),
                CASE WHEN n % 3 <> 0 THEN {now} - (n % 300) * interval '1 day' END,
                CASE WHEN n % 3 <> 0 AND n % 4 = 0 THEN {now} - (n % 60) * interval '1 day'
                    END,
                {now} - (n % 900) * interval '1 day'
            FROM generate_series(1, {c}) AS n
            UNION ALL
            SELECT {c} + n, {SMALL},
                CASE WHEN n = 1 THEN '{SMALL_CLIENT_EMAIL}' ELSE 'small' || n || '@clients.example'
                    END,
                'Small contact ' || n, false, PASSWORD_HASH, md5('small' || n)::varchar(32),
                {now} - n * interval '1 day', NULL, {now} - n * interval '2 days'
            FROM generate_series(1, {small_accounts}) AS n
            """,
        ),
        (
            # Contact n belongs to account ((n - 1) % accounts) + 1: every account has one,
            # the first (contacts - accounts) have a second. Login off for every tenth.
            "account_contacts",
            f"""
            INSERT INTO account_contacts (tenant_id, account_id, contact_id, login_enabled,
                created_at)
            SELECT {BIG}, ((n - 1) % {a}) + 1, n, n % 10 <> 0 OR n = 1,
                {now} - (n % 900) * interval '1 day'
            FROM generate_series(1, {c}) AS n
            UNION ALL
            SELECT {SMALL}, {a} + n, {c} + n, true, {now} - n * interval '1 day'
            FROM generate_series(1, {small_accounts}) AS n
            """,
        ),
        (
            # On the pending contacts (id a multiple of 3): open, expired, used, cancelled.
            "invitations",
            f"""
            INSERT INTO invitations (id, tenant_id, contact_id, email, nonce, token_hash,
                expires_at, first_sent_at, last_sent_at, send_count, invited_by_staff_id,
                invited_by, personal_message, accepted_at, cancelled_at, created_at)
            SELECT i, {BIG}, 3 * i, 'contact' || 3 * i || '@clients.example',
                lpad(to_hex(i), 64, '0'), md5('invitation' || i) || md5('hash' || i),
                CASE i % 4 WHEN 1 THEN {now} - interval '3 days'
                    ELSE {now} + (1 + i % 13) * interval '1 day' END,
                {now} - (i % 60 + 14) * interval '1 day', {now} - (i % 30) * interval '1 day',
                1 + i % 4, 1, 'Owner of Big Firm LLP',
                CASE WHEN i % 7 = 0 THEN 'Looking forward to working with you.' ELSE '' END,
                CASE WHEN i % 4 = 2 THEN {now} - (i % 20) * interval '1 day' END,
                CASE WHEN i % 4 = 3 THEN {now} - (i % 10) * interval '1 day' END,
                {now} - (i % 60 + 14) * interval '1 day'
            FROM generate_series(1, {min(s.invitations, c // 3)}) AS i
            """,
        ),
        (
            # Thread t's messages are t, t + T, …; odd rounds are the staff's replies, so the
            # last client and staff messages are known without a second pass.
            "message_threads",
            f"""
            INSERT INTO message_threads (id, tenant_id, account_id, subject, created_by_kind,
                created_by_id, assigned_staff_id, last_client_message_id,
                last_staff_message_id, last_message_at, created_at)
            SELECT t, {BIG}, CASE WHEN t <= 40 THEN 1 ELSE ((t - 1) % {a}) + 1 END,
                'Question about the ' || (2020 + t % 6) || ' tax return (' || t || ')',
                'client', NULL, {s.tenants} + 1 + t % {s.staff},
                {_last_of(s, "client")}, {_last_of(s, "staff")},
                {now} - ({s.messages} - {_last_message(s)}) * interval '30 seconds',
                {now} - ({s.messages} - t) * interval '30 seconds'
            FROM generate_series(1, {s.threads}) AS t
            """,
        ),
        (
            "messages",
            f"""
            INSERT INTO messages (id, tenant_id, thread_id, author_kind, author_id,
                author_name, body, created_at)
            SELECT m, {BIG}, ((m - 1) % {s.threads}) + 1,
                CASE WHEN ((m - 1) / {s.threads}) % 2 = 1 THEN 'staff' ELSE 'client' END,
                NULL,
                CASE WHEN ((m - 1) / {s.threads}) % 2 = 1 THEN 'Owner of Big Firm LLP'
                    ELSE 'Contact Jones' END,
                'Hello, please find the figures for ' || m || ' attached. Let me know if'
                    || ' anything else is needed before the deadline. Thanks!',
                {now} - ({s.messages} - m) * interval '30 seconds'
            FROM generate_series(1, {s.messages}) AS m
            """,
        ),
        (
            "client_files",
            f"""
            INSERT INTO client_files (id, tenant_id, account_id, folder_id, name, size,
                content_type, storage_key, sha256, internal, uploaded_by_kind, uploaded_by_id,
                uploaded_by_name, created_at)
            SELECT f, {BIG}, CASE WHEN f <= 40 THEN 1 ELSE ((f - 1) % {a}) + 1 END, NULL,
                'statement-' || f || '.pdf', 20000 + f % 500000, 'application/pdf',
                'bench/missing/' || f, md5('file' || f) || md5('sha' || f), f % 10 = 0,
                CASE WHEN f % 2 = 0 THEN 'staff' ELSE 'client' END, NULL,
                'Uploader ' || f % 100, {now} - (f % 700) * interval '1 day'
            FROM generate_series(1, {s.files}) AS f
            """,
        ),
        (
            "invoices",
            f"""
            INSERT INTO invoices (id, tenant_id, account_id, sequence, number, status,
                currency, issue_date, due_date, notes, subtotal_minor, discount_minor,
                tax_minor, total_minor, paid_minor, pdf_key, created_by_staff_id, created_at,
                sent_at, voided_at, void_reason)
            SELECT i, {BIG}, CASE WHEN i <= 40 THEN 1 ELSE ((i - 1) % {a}) + 1 END, i,
                'INV-' || lpad(i::text, 6, '0'), st.status, 'USD',
                current_date - (i % 365), current_date - (i % 365) + 30, '',
                20000, 0, 2000, 22000,
                CASE st.status WHEN 'paid' THEN 22000 WHEN 'partially_paid' THEN 10000
                    ELSE 0 END,
                '', 1, {now} - (i % 365) * interval '1 day',
                CASE WHEN st.status <> 'draft' THEN {now} - (i % 365) * interval '1 day' END,
                CASE WHEN st.status = 'void' THEN {now} - (i % 100) * interval '1 day' END,
                CASE WHEN st.status = 'void' THEN 'Issued twice' ELSE '' END
            FROM generate_series(1, {s.invoices}) AS i
            CROSS JOIN LATERAL (SELECT (ARRAY['draft', 'sent', 'partially_paid', 'paid',
                'paid', 'void'])[1 + i % 6] AS status) AS st
            """,
        ),
        (
            "invoice_lines",
            f"""
            INSERT INTO invoice_lines (id, tenant_id, invoice_id, position, description,
                quantity, unit_price_minor, discount_percent, tax_percent, discount_minor,
                net_minor, tax_minor, total_minor)
            SELECT 2 * i - 2 + p, {BIG}, i, p,
                CASE p WHEN 1 THEN 'Tax return preparation' ELSE 'Bookkeeping (hours)' END,
                CASE p WHEN 1 THEN 1 ELSE 4 END, CASE p WHEN 1 THEN 12000 ELSE 2000 END,
                0, 10, 0, CASE p WHEN 1 THEN 12000 ELSE 8000 END,
                CASE p WHEN 1 THEN 1200 ELSE 800 END, CASE p WHEN 1 THEN 13200 ELSE 8800 END
            FROM generate_series(1, {s.invoices}) AS i CROSS JOIN generate_series(1, 2) AS p
            """,
        ),
        (
            "invoice_number_sequences",
            f"""
            INSERT INTO invoice_number_sequences (tenant_id, next_number, prefix)
            VALUES ({BIG}, {s.invoices + 1}, 'INV-')
            """,
        ),
    ]


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _last_message(s: Sizes) -> str:
    """SQL for the id of thread t's last message: t + (rounds - 1) * threads."""
    return f"(t + ({s.messages} / {s.threads} - 1) * {s.threads})"


def _last_of(s: Sizes, side: str) -> str:
    """Round k of a thread is the staff's when k is odd (see the messages statement)."""
    rounds = s.messages // s.threads
    last_staff = rounds - 1 if (rounds - 1) % 2 == 1 else rounds - 2
    last_client = rounds - 1 if (rounds - 1) % 2 == 0 else rounds - 2
    k = last_staff if side == "staff" else last_client
    return "NULL" if k < 0 else f"(t + {k} * {s.threads})"


if __name__ == "__main__":
    sys.exit(main())
