"""The preferences form, one choice per kind of event, for clients and staff alike."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3, newer than types-WTForms

from portal.notifications.models import Mode
from portal.notifications.preferences import MODE_LABELS, PREVIEW
from portal.notifications.service import KINDS


def field_name(kind: str) -> str:
    return "kind_" + kind.replace(".", "_")


def preferences_form(current: dict[str, str], preview: bool) -> FlaskForm:
    """A form with a select per kind of `KINDS`, preset to the person's current choices, and
    the lock-screen preview choice."""

    class PreferencesForm(FlaskForm):
        show_preview = BooleanField(
            _l("Show who wrote and what on my phone's lock screen"), default=preview
        )

    for kind, label in KINDS.items():
        setattr(
            PreferencesForm,
            field_name(kind),
            SelectField(
                gettext(label),
                choices=[SelectChoice(mode, gettext(name)) for mode, name in MODE_LABELS.items()],
                default=current.get(kind),
            ),
        )
    return PreferencesForm()


def chosen_modes(form: FlaskForm) -> dict[str, str]:
    modes = {kind: str(form[field_name(kind)].data) for kind in KINDS}
    modes[PREVIEW] = Mode.EVERY.value if form["show_preview"].data else Mode.OFF.value
    return modes
