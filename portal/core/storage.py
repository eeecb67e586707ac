"""One storage interface for uploaded files; a local folder outside the code tree by default."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

_KEY = re.compile(r"^[a-z0-9]+(?:/[a-z0-9][a-z0-9._-]{0,120})+$")


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes | None: ...

    def delete(self, key: str) -> None: ...


def valid_key(key: str) -> bool:
    """Keys are server-generated (`tenants/<id>/<kind>-<sha256>.png`); refuse anything else."""
    return bool(_KEY.match(key)) and ".." not in key


class LocalStorage:
    """Files under one root folder; keys map to relative paths, written atomically."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not valid_key(key):
            raise ValueError(f"invalid storage key: {key!r}")
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(data)
        temporary.replace(path)

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, ValueError):
            return None

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except (FileNotFoundError, ValueError):
            pass


def init_app(app: Flask) -> None:
    folder = app.config.get("UPLOAD_FOLDER") or os.path.join(app.instance_path, "uploads")
    app.config["UPLOAD_FOLDER"] = folder
    app.extensions["foyer.storage"] = LocalStorage(folder)


def storage() -> Storage:
    return current_app.extensions["foyer.storage"]
