"""Staff view of one account's engagement history (linked from the client record)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin_history", __name__, url_prefix="/admin/clients")
