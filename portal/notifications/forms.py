"""The preferences form, one choice per kind of event, for clients and staff alike."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3, newer than types-WTForms

from portal.notifications.preferences import MODE_LABELS
from portal.notifications.service import KINDS


def field_name(kind: str) -> str:
    return "kind_" + kind.replace(".", "_")


def preferences_form(current: dict[str, str]) -> FlaskForm:
    """A form with a select per kind of `KINDS`, preset to the person's current choices."""

    class PreferencesForm(FlaskForm):
        pass

    for kind, label in KINDS.items():
        setattr(
            PreferencesForm,
            field_name(kind),
            SelectField(
                label,
                choices=[SelectChoice(mode, label) for mode, label in MODE_LABELS.items()],
                default=current.get(kind),
            ),
        )
    return PreferencesForm()


def chosen_modes(form: FlaskForm) -> dict[str, str]:
    return {kind: str(form[field_name(kind)].data) for kind in KINDS}
