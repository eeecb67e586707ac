"""Payments against invoices: recorded by staff or made online through a PaymentProvider
(manual instructions or Stripe), saved payment methods, and signed provider webhooks.
"""
