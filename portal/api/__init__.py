"""Interface: the REST API under /api/v1 (bearer tokens, OpenAPI 3.1 document, JSON errors),
calling the same domain services as the web pages.
"""
