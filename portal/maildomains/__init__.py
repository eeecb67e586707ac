"""Custom email sending domains of a tenant: adding one and what a check does to it
(`service`), the DNS records the firm publishes (`records`), their checks (`checks`), the
DKIM keys (`keys`), the models, and the sender and signature of every email (`sending`).

Jobs call in through `jobs.mail_domains`, as web domains do through `jobs.web_domains`.
"""
