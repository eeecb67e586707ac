"""Conversations between a client account and the firm: threads, messages, read state, and client
requests with their types and the firm's services.
"""
