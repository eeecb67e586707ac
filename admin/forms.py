"""The staff and operator forms (WTForms with CSRF). Input rules beyond the field checks live in
the services, which raise `UserError`."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3, newer than types-WTForms
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, Regexp

from portal.branding.colors import HEX_COLOR
from portal.clients.models import AccountKind
from portal.modules.models import LinkMode
from tenants.models import ClientSignIn, ExpiredInviteAction, SignupMode
from themes.registry import THEMES


class CreateTenantForm(FlaskForm):
    slug = StringField("Slug", validators=[InputRequired(), Length(max=64)])
    name = StringField("Firm name", validators=[InputRequired(), Length(max=120)])
    owner_email = EmailField("Owner email", validators=[InputRequired(), Length(max=320)])


class NewClientForm(FlaskForm):
    account_name = StringField("Account name", validators=[InputRequired(), Length(max=200)])
    kind = SelectField(
        "Account type",
        choices=[
            SelectChoice(AccountKind.COMPANY, "Company"),
            SelectChoice(AccountKind.HOUSEHOLD, "Household / individual"),
        ],
    )
    contact_name = StringField("Contact name", validators=[Length(max=200)])
    email = EmailField("Contact email", validators=[InputRequired(), Length(max=320)])
    login = BooleanField("Portal access (Login)", default=True)
    send_invite = BooleanField("Send the invitation now", default=True)
    personal_message = TextAreaField("Personal message", validators=[Length(max=2000)])


class AddContactForm(FlaskForm):
    name = StringField("Contact name", validators=[Length(max=200)])
    email = EmailField("Contact email", validators=[InputRequired(), Length(max=320)])
    login = BooleanField("Portal access (Login)", default=True)


class InviteForm(FlaskForm):
    personal_message = TextAreaField("Personal message", validators=[Length(max=2000)])


class ChangeEmailForm(FlaskForm):
    email = EmailField("New email", validators=[InputRequired(), Length(max=320)])


class BulkInviteForm(FlaskForm):
    send_invitations = BooleanField("Also send the invitations")
    personal_message = TextAreaField("Personal message", validators=[Length(max=2000)])


class SettingsInviteForm(FlaskForm):
    email = EmailField("Contact email", validators=[InputRequired(), Length(max=320)])
    account_id = SelectField("Client account", coerce=int, validate_choice=True)
    personal_message = TextAreaField("Personal message", validators=[Length(max=2000)])


class PortalSettingsForm(FlaskForm):
    welcome_message = TextAreaField("Welcome message", validators=[Length(max=2000)])
    invite_expiry_days = IntegerField(
        "Invitation links expire after (days)", validators=[InputRequired(), NumberRange(1, 90)]
    )
    expired_invite_action = SelectField(
        "When a client asks to renew an expired invitation",
        choices=[
            SelectChoice(ExpiredInviteAction.RESEND, "Send them a fresh invitation"),
            SelectChoice(ExpiredInviteAction.NOTIFY, "Notify the firm's managers"),
        ],
    )
    signup_mode = SelectField(
        "How clients get in",
        choices=[
            SelectChoice(SignupMode.INVITE_ONLY, "Invite-only: the firm invites each client"),
            SelectChoice(SignupMode.OPEN, "Direct sign-up: anyone can create an account"),
        ],
    )
    signup_ask_company = BooleanField("Ask for a company name on sign-up")
    allow_duplicate_contacts = BooleanField(
        "Allow duplicate contacts (one email, several identities)"
    )
    notify_on_signup = BooleanField("Email the firm's managers about each new sign-up")
    unverified_purge_days = IntegerField(
        "Delete unverified sign-ups after (days)", validators=[InputRequired(), NumberRange(1, 90)]
    )
    client_sign_in = SelectField(
        "How clients sign in",
        choices=[
            SelectChoice(ClientSignIn.PASSWORD, "Password only"),
            SelectChoice(
                ClientSignIn.PASSWORD_OR_EMAIL, "Password, or a code or link sent by email"
            ),
            SelectChoice(ClientSignIn.EMAIL, "Only a code or link sent by email (no password)"),
        ],
    )


class AddDomainForm(FlaskForm):
    host = StringField("Domain", validators=[InputRequired(), Length(max=300)])


class PrimaryHostForm(FlaskForm):
    primary_host = SelectField("Primary address", validate_choice=True)


class MailDomainForm(FlaskForm):
    domain = StringField("Domain", validators=[InputRequired(), Length(max=253)])
    local_part = StringField(
        "Send from (the part before @)",
        default="notifications",
        validators=[InputRequired(), Length(max=64)],
    )
    display_name = StringField("Display name", validators=[InputRequired(), Length(max=120)])
    reply_to = EmailField("Reply-to address", validators=[Length(max=320)])


COLOR_MESSAGE = "Enter a colour as # followed by six hex digits, for example #1f4e79."


def _colour(label: str) -> StringField:
    return StringField(
        label,
        validators=[InputRequired(message=COLOR_MESSAGE), Regexp(HEX_COLOR, message=COLOR_MESSAGE)],
    )


class BrandingForm(FlaskForm):
    theme = SelectField("Theme", choices=[SelectChoice(t.key, t.label) for t in THEMES.values()])
    brand_color = _colour("Brand colour")
    accent_color = _colour("Accent colour")
    portal_name = StringField("Portal name", validators=[Length(max=120)])
    support_email = EmailField("Support email", validators=[Optional(), Length(max=320), Email()])
    logo = FileField("Logo")
    login_image = FileField("Sign-in page image")
    favicon = FileField("Favicon")
    remove_logo = BooleanField("Remove the logo")
    remove_login_image = BooleanField("Remove the sign-in image")
    remove_favicon = BooleanField("Remove the favicon")
    preview_page = SelectField(
        "Preview page",
        choices=[SelectChoice("sign-in", "Sign-in page"), SelectChoice("home", "Client home")],
        validate_choice=False,
    )


class LinkForm(FlaskForm):
    title = StringField("Title", validators=[InputRequired(), Length(max=60)])
    url = StringField("Web address (http or https)", validators=[InputRequired()])
    mode = SelectField(
        "Opens",
        choices=[
            SelectChoice(LinkMode.TAB, "In a new tab"),
            SelectChoice(LinkMode.EMBED, "Inside the portal (embedded)"),
        ],
    )


class DocumentItemForm(Form):
    """One document of a request form (several per form); empty rows are skipped."""

    title = StringField("Document", validators=[Length(max=200)])
    notes = TextAreaField("Notes for the client", validators=[Length(max=5000)])
    due_date = DateField("Due date", validators=[Optional()])


class DocumentRequestForm(FlaskForm):
    account_id = SelectField("Client account", coerce=int, validate_choice=True)
    items = FieldList(FormField(DocumentItemForm), min_entries=3, max_entries=10)


class DocumentReviewForm(FlaskForm):
    comment = TextAreaField("Comment for the client", validators=[Length(max=2000)])


class ShareFileForm(FlaskForm):
    file_id = IntegerField("File", validators=[InputRequired()])
    contact_id = IntegerField("Contact", validators=[InputRequired()])


class DocumentSettingsForm(FlaskForm):
    document_reminder_days = IntegerField(
        "Remind clients this many days before a document is due",
        validators=[InputRequired(), NumberRange(1, 30)],
    )
    action_links_enabled = BooleanField(
        "Let clients act from an email without signing in (upload a requested document, "
        "view a shared file)"
    )
    action_link_days = IntegerField(
        "Those links expire after (days)", validators=[InputRequired(), NumberRange(1, 30)]
    )
