"""Files sent with a message: stored through Files (same checks and limits, filed in the
account's files) and handed back only through the thread they were sent in."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from portal.core.errors import UserError
from portal.files.downloads import download_response
from portal.files.models import ClientFile
from portal.files.uploads import accept_upload
from portal.messaging.models import MessageAttachment
from portal.messaging.threads import Person
from tenants.scoping import get_owned
from tenants.snapshot import TenantSnapshot

MAX_FILES = 10


def store_uploads(
    tenant: TenantSnapshot, account_id: int, author: Person, uploads: Sequence[FileStorage]
) -> list[tuple[int, str, int]]:
    """Store each chosen file in the account's Files; (file id, name, size) for the message.
    Raises UserError (field `files`) for too many files or a refused file."""
    chosen = [upload for upload in uploads if upload and upload.filename]
    if len(chosen) > MAX_FILES:
        raise UserError(
            gettext("Attach %(max)d files at most to one message.", max=MAX_FILES), field="files"
        )
    stored = []
    for upload in chosen:
        try:
            row = accept_upload(
                tenant,
                account_id,
                upload,
                uploader_kind=author.side.value,
                uploader_id=author.id or 0,
                uploader_name=author.name or None,
            )
        except UserError as exc:
            raise UserError(exc.message, field="files") from None
        stored.append((row.id, row.name, row.size))
    return stored


def attachment_download(tenant: TenantSnapshot, attachment: MessageAttachment) -> Response:
    """The attached file's bytes; 404 when the file was deleted from Files since."""
    row = get_owned(ClientFile, tenant, attachment.file_id)
    if row is None:
        raise NotFound()
    return download_response(tenant, row)
