"""Where uploaded documents' bytes are kept: outside the web root, under random names.

``DocumentStore`` is the whole interface (save, open, delete, and put for restoring a backup), so
that an object store can take the local folder's place; ``document_store()`` gives the app's store.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

# 256 random bits as hex: unguessable, and nothing from the uploader (name, type) in it.
_STORED_NAME = re.compile(r"^[0-9a-f]{64}$")


class DocumentMissing(LookupError):
    """No stored file under that name."""


class DocumentStore(Protocol):
    def save(self, data: bytes) -> str:
        """Keep ``data`` under a new random name, and return the name."""

    def put(self, stored_name: str, data: bytes) -> None:
        """Keep ``data`` under a name this store gave before (restoring a backup), replacing any file
        of that name; ``DocumentMissing`` for a name the store could not have made."""

    def open(self, stored_name: str) -> BinaryIO:
        """The file for reading; ``DocumentMissing`` if there is none."""

    def delete(self, stored_name: str) -> None:
        """Remove the file; nothing happens if it is already gone."""


class LocalDocumentStore:
    """Files in one folder, readable only by the app's own user (folder 0o700, files 0o600)."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def save(self, data: bytes) -> str:
        stored_name = secrets.token_hex(32)
        self._write(stored_name, data)
        return stored_name

    def put(self, stored_name: str, data: bytes) -> None:
        self._write(self.path(stored_name).name, data)

    def _write(self, stored_name: str, data: bytes) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Written under a temporary name first, so a crash never leaves half a file under the real one.
        partial = self.root / f"{stored_name}.partial"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(partial, flags, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(partial, self.root / stored_name)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def path(self, stored_name: str) -> Path:
        """Where a stored name lives; only names this store made are accepted."""
        if not _STORED_NAME.match(stored_name or ""):
            raise DocumentMissing(stored_name)
        return self.root / stored_name

    def open(self, stored_name: str) -> BinaryIO:
        try:
            return open(self.path(stored_name), "rb")  # noqa: SIM115 (the response closes it)
        except (FileNotFoundError, IsADirectoryError):
            raise DocumentMissing(stored_name) from None

    def delete(self, stored_name: str) -> None:
        with contextlib.suppress(DocumentMissing):  # a name that cannot be stored was never stored
            self.path(stored_name).unlink(missing_ok=True)


def document_store() -> DocumentStore:
    """The app's store: ``app.extensions["document_store"]`` if set (an object store, say), else the
    folder ``UPLOAD_FOLDER``, which must not be inside the static folder that the web serves."""
    store = current_app.extensions.get("document_store")
    if store is not None:
        return store
    root = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    static = Path(current_app.static_folder or current_app.root_path).resolve()
    if root == static or static in root.parents:
        raise RuntimeError(f"UPLOAD_FOLDER {root} is inside the web root {static}")
    return LocalDocumentStore(root)
