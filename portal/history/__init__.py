"""Domain: one account's engagement history, read from every module's own tables."""
