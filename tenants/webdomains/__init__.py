"""Custom web domains of a tenant: claiming a host name (`service`), the DNS records the firm
publishes (`records`) and the checks that decide whether the platform serves it (`checks`).

Jobs call in through `jobs.web_domains`; this package uses only `portal.core` and `tenants`.
"""
