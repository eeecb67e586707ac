from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TenantSnapshot:
    """The one way a tenant is passed around: what requests, services and emails need to know
    about it; immutable, safe to cache across requests. Views get it from `current_tenant`,
    jobs from `snapshot_by_id`; only settings pages load the `Tenant` row to change it."""

    id: int
    slug: str
    name: str
    theme: str
    signup_mode: str
    canonical_host: str
    welcome_message: str
    brand_color: str = "#1f4e79"
    accent_color: str = "#e8eef5"
    portal_name: str = ""
    support_email: str = ""
    logo_key: str = ""
    login_image_key: str = ""
    favicon_key: str = ""
    primary_host: str | None = None  # when chosen, every other host redirects here
    # Portal settings the services read (Settings › Portal and Invites).
    invite_expiry_days: int = 14
    expired_invite_action: str = "resend"  # tenants.models.ExpiredInviteAction
    signup_ask_company: bool = False
    allow_duplicate_contacts: bool = False
    notify_on_signup: bool = True
    unverified_purge_days: int = 7
    clients_invite_teammates: bool = False  # an Active client may invite a teammate
    teammate_approval: bool = True  # ... and staff approve it before the invitation goes
    document_reminder_days: int = 3  # reminder emails N days before a document is due
    action_links_enabled: bool = True  # emails carry single-purpose no-login links
    action_link_days: int = 7
    max_upload_mb: int = 50  # Settings › Portal: per-file upload limit (capped by the platform)
    require_staff_2fa: bool = False  # staff must set up a second factor
    allow_client_passkeys: bool = False  # clients may sign in with a passkey
    client_sign_in: str = "password"  # tenants.models.ClientSignIn: passwords, emailed codes
    default_language: str = "en"  # Settings › Languages (portal.clients.languages)
    offered_languages: tuple[str, ...] = ("en", "es", "fr", "de")
