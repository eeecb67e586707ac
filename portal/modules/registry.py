"""The client portal's modules as data: one spec per module, in one greppable tuple.

A new module is one spec here, one blueprint in `portal/web/modules/<key>.py` and one line in
`portal/web/modules/__init__.py::BLUEPRINTS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.core.i18n import N_

# The bundled icon set: themes/default/static/icons/<name>.svg
ICONS: tuple[str, ...] = (
    "chat",
    "inbox",
    "folder",
    "file",
    "receipt",
    "help",
    "link",
    "calendar",
    "star",
    "chart",
    "user",
    "shield",
    "home",
    "globe",
    "people",
)


@dataclass(frozen=True, slots=True)
class ModuleSpec:
    key: str
    title: str
    icon: str
    order: int
    endpoint: str
    empty_text: str = N_("Nothing here yet.")


ALL_MODULES: tuple[ModuleSpec, ...] = (
    ModuleSpec(
        key="messages",
        title=N_("Messages"),
        icon="chat",
        order=10,
        endpoint="messages.index",
        empty_text=N_(
            "No messages with {account} yet. "
            "When your advisor writes, the conversation appears here."
        ),
    ),
    ModuleSpec(
        key="requests",
        title=N_("Requests"),
        icon="inbox",
        order=20,
        endpoint="requests.index",
        empty_text=N_(
            "No open requests for {account}. "
            "Document and information requests from your advisor appear here."
        ),
    ),
    ModuleSpec(
        key="files",
        title=N_("Files"),
        icon="folder",
        order=30,
        endpoint="files.index",
        empty_text=N_("No files shared with {account} yet."),
    ),
    ModuleSpec(
        key="invoices",
        title=N_("Invoices"),
        icon="receipt",
        order=40,
        endpoint="invoices.index",
        empty_text=N_("No invoices for {account}."),
    ),
    ModuleSpec(
        key="help",
        title=N_("Help"),
        icon="help",
        order=50,
        endpoint="help.index",
        empty_text=N_("No help articles have been published yet."),
    ),
    ModuleSpec(
        key="community",
        title=N_("Community"),
        icon="people",
        order=70,
        endpoint="community.index",
        empty_text=N_("There are no groups for {account} yet."),
    ),
    ModuleSpec(
        key="links",
        title=N_("Links"),
        icon="link",
        order=60,
        endpoint="links.index",
        empty_text=N_("No links have been added yet."),
    ),
    ModuleSpec(
        key="courses",
        title=N_("Courses"),
        icon="star",
        order=80,
        endpoint="courses.index",
        empty_text=N_("No courses are open to {account} yet."),
    ),
    ModuleSpec(
        key="referrals",
        title=N_("Referrals"),
        icon="chart",
        order=90,
        endpoint="referrals.index",
        empty_text=N_("{account} is not part of a referral programme."),
    ),
    ModuleSpec(
        key="history",
        title=N_("History"),
        icon="calendar",
        order=95,
        endpoint="history.index",
        empty_text=N_("Nothing has happened with {account} yet."),
    ),
)
