"""Background work.

Infrastructure (imports no domain package): `jobs.queue` (enqueue, the RQ queue or in-process
runs after the response), `jobs.context` (`@job`: a fresh app context per run) and
`jobs.scheduler` (recurring jobs). Interfaces: `jobs.tasks` (the list of every job and
schedule), `jobs.cli` (`foyer worker`) and the thin entry points (`jobs.mail`, `jobs.invites`,
`jobs.signups`, `jobs.email_checks`, `jobs.web_domains`, `jobs.mail_domains`) that call services.

Empty of code on purpose: domain packages import `jobs.queue` without pulling in entry points.
"""
