"""Domain: community groups (membership, posts, comments, reactions, moderation, reports)."""
