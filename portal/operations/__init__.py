"""Running the platform: queue and worker health, failed jobs, tenant deletion with a grace
period and a data export archive.
"""
