"""What a backup file is called and holds, shared by the writer and the reader."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT = "pcc-grants-backup"
# 2: a tar.gz of a manifest, the rows and the documents' files. 1: gzip JSON Lines, rows only.
FORMAT_VERSION = 2
ROWS_ONLY_VERSION = 1
APP_NAME = "pcc-grants"

MANIFEST = "manifest.json"
ROWS = "rows.jsonl"
DOCUMENTS_FOLDER = "documents/"


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why, in words for the operator."""


@dataclass
class BackupSummary:
    path: Path
    revision: str
    rows: dict[str, int]
    seconds: float
    documents: int = 0
    document_bytes: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass
class RestoreSummary:
    path: Path
    revision: str
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    # Files put into the document store, and files it held already (the same bytes, same name).
    documents: int = 0
    documents_already_stored: int = 0
    # A rows-only backup (format version 1): the documents whose files the store does not hold.
    rows_only: bool = False
    missing_documents: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def dump_line(value: Any) -> bytes:
    """One JSON Lines line: compact, UTF-8, newline-terminated."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def rows_only_refusal(path: Path) -> str:
    return (
        f"{path} is a backup from before documents were included (format version {ROWS_ONLY_VERSION}): it holds "
        "the database's rows but not the uploaded documents' files, so on a new host every document would be "
        "missing. Make a new backup with this version of the app, or, to load the rows anyway, run "
        "flask restore --without-documents (documents whose files are not already in the document store "
        "will then be missing): nothing was restored"
    )
