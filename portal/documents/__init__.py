"""Document requests: the firm asks a client account for a document, the client uploads it, and
single-purpose links let a recipient act without signing in.
"""
