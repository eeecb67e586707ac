"""Job entry points for files: emptying the trash of files deleted more than 30 days ago."""

from __future__ import annotations

from jobs.context import job
from portal.files.service import purge_trash


@job
def purge_file_trash() -> int:
    return purge_trash()
