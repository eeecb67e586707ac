"""Job entry points for notifications: grouped emails, daily digests and Web Push deliveries."""
