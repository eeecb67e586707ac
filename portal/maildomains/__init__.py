"""Custom email sending domains: DKIM keys, the DNS records to publish, their checks, and the
sender every email of a tenant goes out with."""
