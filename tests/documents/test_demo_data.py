"""`foyer demo` gives the demo firm a client account with two document requests, once."""

from __future__ import annotations

from sqlalchemy import func, select

from admin.demo import seed_demo
from portal.core.extensions import db
from portal.documents.models import DocumentRequest


def test_demo_firm_has_document_requests_once(app):  # type: ignore[no-untyped-def]
    seed_demo()
    seed_demo()
    titles = db.session.scalars(select(DocumentRequest.title).order_by(DocumentRequest.title))
    assert list(titles) == ["2025 W-2", "Signed engagement letter"]
    assert db.session.scalar(select(func.count(DocumentRequest.id))) == 2
