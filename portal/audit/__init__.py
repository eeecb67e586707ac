"""Domain: the audit log of security events (sign-ins, lockouts, misused links, sessions replayed
on the wrong host, staff actions): one `AuditEvent` row and one structured `foyer.audit` log line
per event, never a password or a token; reading it with filters (`log`) and purging it after the
retention period."""
