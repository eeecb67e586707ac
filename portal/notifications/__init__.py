"""In-app notifications, notification preferences and Web Push subscriptions for staff and clients.
"""
