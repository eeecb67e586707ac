"""Outgoing webhooks: firm-registered endpoints, signed event payloads (Standard Webhooks)
and their delivery log.
"""
