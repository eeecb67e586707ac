"""Job entry points for document requests: reminder emails before and on the due date."""
