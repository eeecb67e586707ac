"""Job entry points for running the platform: purging tenants after their deletion grace
period and building their export archives.
"""
