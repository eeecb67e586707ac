"""Every job and every schedule, in one place: `init_app` makes them enqueueable by name."""

from __future__ import annotations

from flask import Flask

from jobs import cli, email_checks, invites, mail, mail_domains, signups, web_domains
from jobs.queue import register_jobs
from jobs.scheduler import Recurring, Scheduler

JOBS = (
    mail.deliver_outbox,
    mail.sweep_outbox,
    signups.purge_unverified_signups,
    invites.run_bulk_invite,
    email_checks.check_contact_email,
    web_domains.check_web_domain,
    web_domains.sweep_web_domains,
    mail_domains.check_mail_domain,
    mail_domains.sweep_mail_domains,
)

RECURRING = (
    Recurring("sweep-outbox", mail.sweep_outbox, "OUTBOX_SWEEP_INTERVAL"),
    Recurring("purge-signups", signups.purge_unverified_signups, "SIGNUP_PURGE_INTERVAL"),
    Recurring("sweep-web-domains", web_domains.sweep_web_domains, "DOMAIN_SWEEP_INTERVAL"),
    Recurring("sweep-mail-domains", mail_domains.sweep_mail_domains, "DOMAIN_SWEEP_INTERVAL"),
)


def init_app(app: Flask) -> None:
    register_jobs(app, JOBS)
    app.extensions["foyer.recurring"] = RECURRING
    app.cli.add_command(cli.worker_command)
    runner = app.extensions.get("foyer.after_response")  # embedded mode only
    if runner is not None and app.config["EMBEDDED_SCHEDULER"]:
        runner.on_first_request = Scheduler(app, RECURRING).start
