"""One user-error type, one way to show it on a form, and the error pages.

Services raise `UserError("a sentence for the user", field="email")` for input they refuse;
views catch `UserError` and call `show_on_form(form, error)`. Error pages are registered in
`init_app`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template


class UserError(ValueError):
    """Input a person must correct; the message is shown to them as it is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def show_on_form(form: Any, error: UserError, default_field: str | None = None) -> None:
    """Attach the message to its field when the form has it, else to the form as a whole."""
    name = error.field or default_field
    field = form._fields.get(name) if name else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def init_app(app: Flask) -> None:
    app.register_error_handler(404, _not_found)


def _not_found(_error: Exception):  # type: ignore[no-untyped-def]
    return render_template("errors/404.html"), 404
