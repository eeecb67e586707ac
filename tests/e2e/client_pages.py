"""Every client page, as data: the phone-size and accessibility browser test
(test_client_pages_browser.py) opens each one in both themes at 1280 and 375 px, runs axe-core,
checks that nothing scrolls sideways and saves a 375 px screenshot.

To add a page, append a `ClientPage` to `CLIENT_PAGES`:

- `path` may name values of the seeded portal in braces, e.g. "/messages/{thread_id}"; the keys
  the test seeds for every theme are listed in `SEEDED_KEYS`.
- A page that needs rows of its own gives `prepare`: a function called once per tenant, inside
  the app context, with the `Seed` (tenant, account, signed-in contact, staff member); it adds
  and commits what it needs and returns extra path values (`{"course_id": 7}`).
- `signed_in=False` opens the page without a session (sign-in, invitation notices…).
- `status` is the HTTP status the page answers with (404 for the branded error page).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tests.community.pages import community_seed
from tests.courses.pages import courses_seed
from tests.profile.pages import profile_seed
from tests.referrals.pages import referrals_seed


@dataclass(frozen=True)
class Seed:
    """What the test created in one tenant before any page is opened."""

    tenant_id: int
    tenant_slug: str
    account_id: int
    contact_id: int
    staff_id: int


Prepare = Callable[[Seed], Mapping[str, object]]


@dataclass(frozen=True)
class ClientPage:
    name: str
    path: str
    signed_in: bool = True
    status: int = 200
    prepare: Prepare | None = None


# Values the test seeds in each tenant and offers to every path.
SEEDED_KEYS = (
    "thread_id",
    "request_id",
    "invoice_id",
    "document_request_id",
    "folder_id",
    "invite_token",
    "used_invite_token",
    "expired_invite_token",
    "cancelled_invite_token",
    "reset_token",
)

CLIENT_PAGES: list[ClientPage] = [
    # Signed out
    ClientPage("sign-in", "/sign-in", signed_in=False),
    ClientPage("forgot-password", "/forgot-password", signed_in=False),
    ClientPage("set-password", "/reset-password/{reset_token}", signed_in=False),
    ClientPage(
        "reset-link-invalid", "/reset-password/not-a-real-token", signed_in=False, status=404
    ),
    ClientPage("invitation", "/invite/{invite_token}", signed_in=False),
    ClientPage("invitation-used", "/invite/{used_invite_token}", signed_in=False, status=410),
    ClientPage("invitation-expired", "/invite/{expired_invite_token}", signed_in=False, status=410),
    ClientPage(
        "invitation-cancelled", "/invite/{cancelled_invite_token}", signed_in=False, status=410
    ),
    ClientPage("sign-up", "/sign-up", signed_in=False),
    ClientPage("error-404", "/no-such-page", signed_in=False, status=404),
    # Signed in
    ClientPage("home", "/"),
    ClientPage("messages", "/messages/"),
    ClientPage("message-thread", "/messages/{thread_id}"),
    ClientPage("message-new", "/messages/new"),
    ClientPage("requests", "/requests/"),
    ClientPage("request", "/requests/{request_id}"),
    ClientPage("request-new", "/requests/new"),
    ClientPage("request-services", "/requests/services"),
    ClientPage("files", "/files/"),
    ClientPage("files-folder", "/files/folder/{folder_id}"),
    ClientPage("files-trash", "/files/trash"),
    ClientPage("invoices", "/invoices/"),
    ClientPage("invoice", "/invoices/{invoice_id}"),
    ClientPage("documents", "/documents/"),
    ClientPage("document-request", "/documents/{document_request_id}"),
    ClientPage("notifications", "/notifications"),
    ClientPage("notification-preferences", "/notifications/preferences"),
    ClientPage("security", "/security"),
    ClientPage("security-authenticator", "/security/authenticator"),
    ClientPage("teammates", "/teammates/"),
    ClientPage("payment-methods", "/payments/methods"),
    ClientPage("payment-pay", "/payments/invoice/{invoice_id}"),
    ClientPage("payment-done", "/payments/done"),
    ClientPage("payment-cancelled", "/payments/cancelled"),
    ClientPage("links", "/links/"),
    ClientPage("error-404-signed-in", "/messages/999999", status=404),
    ClientPage("community", "/community/", prepare=community_seed),  # seeds the pages below
    ClientPage("community-group", "/community/{group_id}/"),
    ClientPage("community-post", "/community/{group_id}/posts/{post_id}"),
    ClientPage("community-edit", "/community/{group_id}/posts/{post_id}/edit"),
    ClientPage("community-report", "/community/{group_id}/posts/{post_id}/report"),
    ClientPage("referrals", "/referrals/", prepare=referrals_seed),
    ClientPage("referral-payouts", "/referrals/payouts"),
    ClientPage("history", "/history/"),
    ClientPage("history-files", "/history/?kind=file"),
    ClientPage("courses", "/courses/", prepare=courses_seed),  # seeds the pages below
    ClientPage("course", "/courses/{course_id}"),
    ClientPage("course-lesson", "/courses/{course_id}/lessons/{lesson_id}"),
    ClientPage("course-next-lesson", "/courses/{course_id}/lessons/{next_lesson_id}"),
    ClientPage("profile", "/profile", prepare=profile_seed),  # seeds the pages below
    ClientPage("sign-in-code", "/sign-in/code", signed_in=False),
    ClientPage("sign-in-link", "/sign-in/link/{sign_in_token}", signed_in=False),
    ClientPage(
        "sign-in-link-invalid", "/sign-in/link/not-a-real-token", signed_in=False, status=404
    ),
    ClientPage("email-confirm", "/profile/email/confirm/{email_change_token}", signed_in=False),
    ClientPage(
        "email-confirm-invalid",
        "/profile/email/confirm/not-a-real-token",
        signed_in=False,
        status=404,
    ),
]
