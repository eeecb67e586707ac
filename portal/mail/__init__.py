"""Domain: the transactional outbox: branded emails written in the same transaction as the action
that caused them (`compose`), and their delivery over SMTP in batches (`delivery`)."""
