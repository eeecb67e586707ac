"""Domain: in-app notifications, notification preferences and Web Push subscriptions for staff
and clients. Other modules call `portal.notifications.service.notify`."""
