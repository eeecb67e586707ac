"""A tenant's brand images as stored: one current file per image (logo, sign-in image,
favicon); the file it replaces is deleted once the change is committed, so the footprint per
tenant stays bounded and a rollback keeps the old image."""

from __future__ import annotations

from portal.branding import image_key, image_name
from portal.branding.images import CleanImage
from portal.core.database import after_commit
from portal.core.storage import storage
from tenants.models import Tenant

COLUMNS = {"logo": "logo_key", "login": "login_image_key", "favicon": "favicon_key"}


def set_image(tenant: Tenant, kind: str, image: CleanImage | None) -> None:
    """Make `image` the tenant's `kind` image, or remove it (None). The caller commits."""
    column = COLUMNS[kind]
    old = getattr(tenant, column)
    new = image_name(kind, image.digest) if image is not None else ""
    if image is not None:
        storage().put(image_key(tenant.id, new), image.data)
    setattr(tenant, column, new)
    if old and old != new:
        after_commit(_delete, image_key(tenant.id, old))


def _delete(*keys: str) -> None:
    for key in keys:
        storage().delete(key)
