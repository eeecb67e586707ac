"""Matters and invoices: per-tenant gapless numbering, line items in minor units, branded
PDFs, and emailing an invoice (with portal invitations for its recipients).
"""
