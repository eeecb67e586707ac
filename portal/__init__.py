"""The Foyer application package.

- `portal.core`: configuration, extensions, database, errors, HTTP, rate limits, storage.
- domain packages (`auth`, `clients`, `signup`, `mail`, `maildomains`, `branding`, `modules`):
  models and services, no requests or templates.
- `portal.web`: the client-facing pages on tenant hosts.
- `portal.cli` and `portal.app`: the command line and the application factory.

Empty of code on purpose: importing `portal` costs nothing.
"""
