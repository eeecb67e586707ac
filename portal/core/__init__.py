"""Core: what every other package may use and nothing here imports from them: configuration,
extensions, the database session and its after-commit hook, user errors and error pages, HTTP
headers and cookies, rate limits, Redis, file storage, email address parsing, tokens."""
