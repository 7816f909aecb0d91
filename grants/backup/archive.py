"""The backup file itself: writing the archive, and reading one (or an older rows-only file) in one pass.

Every read goes front to back, once, so that a file is checked by the same pass that uses it: the
gzip CRC covers every byte, the manifest's SHA-256 covers every member.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from grants.backup.documents import CHUNK, stored_name_of
from grants.backup.format import FORMAT, FORMAT_VERSION, MANIFEST, ROWS, ROWS_ONLY_VERSION, BackupError

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


# --- Writing ----------------------------------------------------------------------------------


def _member(name: str, size: int, mtime: int) -> tarfile.TarInfo:
    """A plain file owned by nobody in particular, readable by its owner only."""
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode, info.uid, info.gid, info.uname, info.gname = size, mtime, 0o600, 0, 0, "", ""
    return info


def write_archive(
    target: Path, manifest: dict, rows: BinaryIO, documents: Sequence[tuple[str, Callable[..., object]]], mtime: int
) -> None:
    """Write ``target`` as a tar.gz: the manifest, the rows (a file, read from its start) and each document.

    ``documents`` holds (member name, ``copy``) pairs; ``copy(write)`` calls ``write(file, size)`` with
    the document's bytes, checking them as they go.
    """
    encoded = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
    rows_size = rows.seek(0, io.SEEK_END)
    rows.seek(0)
    # Readable by its owner only, like the document store's files: it holds every document and every row.
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(descriptor, "wb") as file, \
            gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=file, mtime=mtime) as compressed, \
            tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as archive:
        archive.addfile(_member(MANIFEST, len(encoded), mtime), io.BytesIO(encoded))
        archive.addfile(_member(ROWS, rows_size, mtime), rows)
        for name, copy in documents:
            copy(lambda file, size, name=name: archive.addfile(_member(name, size, mtime), file))


# --- Reading ----------------------------------------------------------------------------------


@contextmanager
def _damaged(path: Path) -> Iterator[None]:
    """Turn every way a damaged file can fail to read into one clear error."""
    try:
        yield
    except FileNotFoundError:
        raise BackupError(f"There is no file {path}") from None
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        # gzip.BadGzipFile is an OSError; a truncated file raises EOFError; a flipped byte zlib.error or a CRC error.
        raise BackupError(f"The backup file {path} is corrupt or incomplete ({error}): nothing was restored") from None


def _version_refused(path: Path, version) -> BackupError:
    return BackupError(
        f"{path} is in backup format version {version}; this app reads versions {ROWS_ONLY_VERSION} and "
        f"{FORMAT_VERSION}"
    )


def _is_table(table) -> bool:
    return isinstance(table, dict) and isinstance(table.get("name"), str) and isinstance(table.get("rows"), int) \
        and isinstance(table.get("columns"), list)


def _is_file(entry) -> bool:
    """A manifest's entry: the rows or a document's file, with its size in bytes and SHA-256."""
    return isinstance(entry, dict) and isinstance(entry.get("path"), str) \
        and (entry["path"] == ROWS or stored_name_of(entry["path"]) is not None) \
        and isinstance(entry.get("size"), int) and entry["size"] >= 0 \
        and isinstance(entry.get("sha256"), str) and bool(_SHA256.match(entry["sha256"]))


def _well_formed(header: dict, version: int) -> bool:
    tables, files = header.get("tables"), header.get("files")
    if not (isinstance(header.get("alembic_revision"), str) and isinstance(header.get("created_at"), str)
            and isinstance(tables, list) and all(_is_table(table) for table in tables)):
        return False
    if version == ROWS_ONLY_VERSION:
        return isinstance(header.get("sha256"), str)
    if not isinstance(files, list) or not all(_is_file(entry) for entry in files):
        return False
    paths = [entry["path"] for entry in files]
    return len(set(paths)) == len(paths) and ROWS in paths


def _checked_header(path: Path, header, version: int) -> dict:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path} is not a PCC Grants backup")
    if header.get("format_version") != version:
        raise _version_refused(path, header.get("format_version"))
    if not _well_formed(header, version):
        raise BackupError(f"The backup file {path} has a damaged {'manifest' if version > 1 else 'header'}: "
                          "nothing was restored")
    return header


class BackupReader:
    """One pass through a backup file in the order it was written: ``header``, then ``row_lines()``,
    then ``documents()``. Use it in a ``with`` block."""

    rows_only: bool
    first_line: int  # the number of the first row's line, for messages
    header: dict

    def __init__(self, path: Path):
        self.path = path
        self.where = f"The backup file {path}"
        # Set once the rows are read: how a message names each document's file (its row's description).
        self.descriptions: dict[str, str] = {}
        # The manifest's entries for documents' files, by member name: {"path", "size", "sha256"}.
        self.listed_documents: dict[str, dict] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        raise NotImplementedError

    def row_lines(self) -> Iterator[bytes]:
        raise NotImplementedError

    def documents(self) -> Iterator[tuple[str, bytes]]:
        """Each document's (stored name, bytes), checked against the manifest; none for a rows-only backup."""
        raise NotImplementedError

    def _named(self, member: str) -> str:
        description = self.descriptions.get(member)
        return f"{member}, the file of {description}," if description else member


class _ArchiveReader(BackupReader):
    rows_only, first_line = False, 1

    def __init__(self, path: Path):
        super().__init__(path)
        self._tar: tarfile.TarFile | None = None
        self._file = open(path, "rb")  # noqa: SIM115 (closed by close())
        self._compressed = gzip.GzipFile(fileobj=self._file, mode="rb")
        try:
            with _damaged(path):
                self._tar = tarfile.open(fileobj=self._compressed, mode="r|")  # noqa: SIM115 (closed by close())
                first = self._tar.next()
                if first is None or first.name != MANIFEST or not first.isreg():
                    raise BackupError(f"{path} is not a PCC Grants backup")
                contents = self._tar.extractfile(first)
                assert contents is not None  # a regular file, checked just above, always has contents
                try:
                    manifest = json.loads(contents.read())
                except ValueError:
                    manifest = None
            self.header = _checked_header(path, manifest, FORMAT_VERSION)
        except BaseException:
            self.close()
            raise
        self.files = {entry["path"]: entry for entry in self.header["files"]}
        self.listed_documents = {path: entry for path, entry in self.files.items() if path != ROWS}

    def close(self) -> None:
        if self._tar is not None:
            self._tar.close()
        self._compressed.close()
        self._file.close()

    @property
    def _archive(self) -> tarfile.TarFile:
        # Opened by __init__, which closes everything and raises when it cannot open the archive.
        assert self._tar is not None
        return self._tar

    def _next(self) -> tarfile.TarInfo | None:
        with _damaged(self.path):
            return self._archive.next()

    def _chunks(self, member: tarfile.TarInfo) -> Iterator[bytes]:
        """The member's bytes, which must be exactly the size and SHA-256 the manifest lists."""
        entry = self.files[member.name]
        if not member.isreg() or member.size != entry["size"]:
            raise self._mismatch(member.name)
        digest = hashlib.sha256()
        with _damaged(self.path):
            stream = self._archive.extractfile(member)
        assert stream is not None  # a regular file, checked above, always has contents
        while True:
            with _damaged(self.path):
                chunk = stream.read(CHUNK)
            if not chunk:
                break
            digest.update(chunk)
            yield chunk
        if digest.hexdigest() != entry["sha256"]:
            raise self._mismatch(member.name)

    def _mismatch(self, member: str) -> BackupError:
        return BackupError(
            f"{self.where}: {self._named(member)} does not match the size and SHA-256 checksum in its manifest "
            "(it is corrupt, truncated or was changed): nothing was restored"
        )

    def row_lines(self) -> Iterator[bytes]:
        member = self._next()
        if member is None or member.name != ROWS:
            raise BackupError(f"{self.where} has no {ROWS} after its manifest: nothing was restored")
        pending = b""
        for chunk in self._chunks(member):
            *lines, pending = (pending + chunk).split(b"\n")
            yield from (line + b"\n" for line in lines)
        if pending:
            yield pending

    def documents(self) -> Iterator[tuple[str, bytes]]:
        seen = {ROWS}
        while (member := self._next()) is not None:
            if member.name not in self.files or member.name in seen:
                raise BackupError(
                    f"{self.where} holds {member.name}, which its manifest does not list (or lists once): "
                    "nothing was restored"
                )
            seen.add(member.name)
            stored_name = stored_name_of(member.name)
            # The manifest names only the rows (read already) and documents' files (checked by _is_file).
            assert stored_name is not None
            yield stored_name, b"".join(self._chunks(member))
        missing = [path for path in self.files if path not in seen]
        if missing:
            raise BackupError(f"{self.where} is missing {self._named(missing[0])} listed in its manifest: "
                              "nothing was restored")
        with _damaged(self.path):  # to the end of the gzip stream, whose CRC covers every byte
            while self._compressed.read(CHUNK):
                pass


class _RowsOnlyReader(BackupReader):
    """A backup from before documents were included: gzip JSON Lines, a header line and then the rows."""

    rows_only, first_line = True, 2

    def __init__(self, path: Path):
        super().__init__(path)
        self._stream = gzip.open(path, "rb")  # noqa: SIM115 (closed by close())
        try:
            with _damaged(path):
                first = self._stream.readline()
            try:
                header = json.loads(first)
            except ValueError:
                header = None
            self.header = _checked_header(path, header, ROWS_ONLY_VERSION)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self._stream.close()

    def row_lines(self) -> Iterator[bytes]:
        digest = hashlib.sha256()
        while True:
            with _damaged(self.path):
                line = self._stream.readline()
            if not line:
                break
            digest.update(line)
            yield line
        if digest.hexdigest() != self.header["sha256"]:
            raise BackupError(
                f"{self.where} does not match its checksum (it is corrupt, truncated or was edited): "
                "nothing was restored"
            )

    def documents(self) -> Iterator[tuple[str, bytes]]:
        return iter(())


def open_backup(path: str | os.PathLike[str]) -> BackupReader:
    """A reader for the backup at ``path``, whichever format version it is in."""
    path = Path(path)
    with _damaged(path), gzip.open(path, "rb") as stream:
        start = stream.read(512)
    if start.startswith(b"{"):
        return _RowsOnlyReader(path)
    if start[257:262] == b"ustar":
        return _ArchiveReader(path)
    raise BackupError(f"{path} is not a PCC Grants backup")
