"""Job entry points for CSV imports of client accounts and contacts, with progress."""
