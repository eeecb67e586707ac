"""Every job and every schedule, in one place: `init_app` makes them enqueueable by name."""

from __future__ import annotations

from flask import Flask

from jobs import (
    cli,
    documents,
    email_checks,
    files,
    imports,
    invites,
    mail,
    mail_domains,
    notifications,
    operations,
    passwordless,
    signups,
    team,
    web_domains,
    webhooks,
)
from jobs.queue import register_jobs
from jobs.scheduler import Recurring, Scheduler

JOBS = (
    mail.deliver_outbox,
    mail.sweep_outbox,
    signups.purge_unverified_signups,
    files.purge_file_trash,
    invites.run_bulk_invite,
    invites.resume_bulk_invites,
    imports.run_client_import,
    team.send_staff_reset,
    team.purge_audit_events,
    email_checks.check_contact_email,
    web_domains.check_web_domain,
    web_domains.sweep_web_domains,
    mail_domains.check_mail_domain,
    mail_domains.sweep_mail_domains,
    documents.send_document_reminders,
    notifications.send_notification_email,
    notifications.send_notification_push,
    notifications.send_notification_digests,
    notifications.sweep_notification_emails,
    notifications.send_test_push,
    operations.build_tenant_export,
    operations.purge_deleted_tenants,
    webhooks.deliver_webhook,
    webhooks.sweep_webhooks,
    passwordless.send_sign_in_code,
)

RECURRING = (
    Recurring("sweep-outbox", mail.sweep_outbox, "OUTBOX_SWEEP_INTERVAL"),
    Recurring("resume-bulk-invites", invites.resume_bulk_invites, "OUTBOX_SWEEP_INTERVAL"),
    Recurring("purge-signups", signups.purge_unverified_signups, "SIGNUP_PURGE_INTERVAL"),
    Recurring("purge-audit-events", team.purge_audit_events, "AUDIT_PURGE_INTERVAL"),
    Recurring("purge-file-trash", files.purge_file_trash, "FILES_PURGE_INTERVAL"),
    Recurring("sweep-web-domains", web_domains.sweep_web_domains, "DOMAIN_SWEEP_INTERVAL"),
    Recurring("sweep-mail-domains", mail_domains.sweep_mail_domains, "DOMAIN_SWEEP_INTERVAL"),
    Recurring(
        "document-reminders", documents.send_document_reminders, "DOCUMENT_REMINDER_INTERVAL"
    ),
    Recurring(
        "notification-digests",
        notifications.send_notification_digests,
        "NOTIFICATION_DIGEST_INTERVAL",
    ),
    Recurring(
        "sweep-notification-emails",
        notifications.sweep_notification_emails,
        "NOTIFICATION_SWEEP_INTERVAL",
    ),
    Recurring("purge-deleted-tenants", operations.purge_deleted_tenants, "TENANT_PURGE_INTERVAL"),
    Recurring("sweep-webhooks", webhooks.sweep_webhooks, "WEBHOOK_SWEEP_INTERVAL"),
)


def init_app(app: Flask) -> None:
    register_jobs(app, JOBS)
    app.extensions["foyer.recurring"] = RECURRING
    app.cli.add_command(cli.worker_command)
    runner = app.extensions.get("foyer.after_response")  # embedded mode only
    if runner is not None and app.config["EMBEDDED_SCHEDULER"]:
        runner.on_first_request = Scheduler(app, RECURRING).start
