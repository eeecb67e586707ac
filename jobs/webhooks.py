"""Job entry points for outgoing webhooks: signed deliveries with retries and back-off."""
