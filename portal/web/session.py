"""The signed-in client and the account they are looking at."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, g, redirect, request, session, url_for
from flask_login import current_user, logout_user

from portal.clients.directory import accessible_accounts
from portal.clients.models import ClientAccount

ACCOUNT_KEY = "account_id"


def client_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Require a signed-in client with portal access; load `g.accounts` and `g.account`."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("access.sign_in", next=request.full_path.rstrip("?")))
        if getattr(current_user, "kind", None) != "client":
            abort(404)
        accounts = accessible_accounts(g.tenant.id, current_user.id)
        if not accounts:
            logout_user()
            session.clear()
            return redirect(url_for("access.sign_in"))
        g.accounts = accounts
        g.account = current_account(accounts)
        return view(*args, **kwargs)

    return wrapped


def current_account(accounts: list[ClientAccount]) -> ClientAccount:
    chosen = session.get(ACCOUNT_KEY)
    for account in accounts:
        if account.id == chosen:
            return account
    session[ACCOUNT_KEY] = accounts[0].id
    return accounts[0]
