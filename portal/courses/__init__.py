"""Domain: membership courses (sections, lessons, access rules, per-contact progress)."""
