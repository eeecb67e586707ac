"""Domain: direct self sign-up: registration, emailed 6-digit codes and one-click links,
duplicate-contact policy, and the purge of unverified sign-ups."""
