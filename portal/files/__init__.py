"""Files exchanged with a client account: folders, uploads checked from their bytes, quotas, trash,
and safe downloads through the storage interface.
"""
