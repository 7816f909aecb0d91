"""Importing the registers' published files, as their publishers lay them out:

- the Charity Commission's register extract, ``publicextract.charity.txt`` (tab-separated, a header
  row, one row per charity and per linked charity; only rows whose ``linked_charity_number`` is 0 are
  main charities), or the zip it is published in;
- Companies House's "BasicCompanyData" CSV (about five million rows and 2.5 GB as one file; some header
  names start with a space, " CompanyNumber"), or the zip it is published in. Its date is in the file
  name, ``BasicCompanyDataAsOneFile-2026-12-01.csv``, unless the administrator gives one.

The file is read as a stream and its rows are inserted in batches, so it is never held in memory. An
import replaces the register's entries and records a ``RegisterExtract``; it is all or nothing: a
problem anywhere raises ``RegisterFileProblem`` naming the column or row, and the caller rolls back.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import IO, Any, BinaryIO

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError

from grants import audit
from grants.extensions import db
from grants.interfaces.due_diligence.matching import comparable_number
from grants.models.accounts import User
from grants.models.due_diligence import Register, RegisterEntry, RegisterExtract

BATCH_ROWS = 5_000
NAME_MAX = 300
STATUS_MAX = 100
LINE_MAX = 1_000_000  # characters; a register's rows are a few hundred

CHARITY_COLUMNS = (
    "date_of_extract", "registered_charity_number", "linked_charity_number", "charity_name",
    "charity_registration_status", "date_of_removal", "charity_insolvent", "charity_in_administration",
)
COMPANY_COLUMNS = ("CompanyName", "CompanyNumber", "CompanyStatus", "DissolutionDate", "IncorporationDate")
FILE_DESCRIPTIONS = {
    Register.CHARITY: "the Charity Commission's publicextract.charity file",
    Register.COMPANY: "Companies House's BasicCompanyData file",
}
_TRUE = {"true", "1", "yes", "t", "y"}
_FALSE = {"false", "0", "no", "f", "n", ""}


class RegisterFileProblem(ValueError):
    """The file cannot be imported; the message says where and why. Nothing has been changed once
    the caller rolls back."""


def date_in_filename(filename: str) -> date | None:
    """The date in a Companies House file's name: ``BasicCompanyDataAsOneFile-2026-12-01.csv``."""
    match = re.search(r"(\d{4})-(\d{2})-(\d{2})", filename)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _read_date(text: str) -> date | None:
    """``2026-12-01``, ``2026-12-01 00:00:00`` (the Charity Commission) or ``01/12/2026`` (Companies
    House); empty is None; anything else raises ValueError."""
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T][0-9:.]+)?", text):
        return date.fromisoformat(text[:10])
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
        return datetime.strptime(text, "%d/%m/%Y").date()
    raise ValueError(text)


@contextmanager
def _text(stream: BinaryIO, filename: str, suffix: str) -> Iterator[IO[str]]:
    """The file's text, or the text of the one ``suffix`` file in a zip, read as it is needed."""
    start = stream.read(4096)
    stream.seek(0)
    if not start:
        raise RegisterFileProblem("The selected file is empty")
    if start[:4] == b"PK\x03\x04":
        try:
            archive = zipfile.ZipFile(stream)
        except zipfile.BadZipFile:
            raise RegisterFileProblem("The selected zip file is damaged or unreadable") from None
        members = [info for info in archive.infolist()
                   if info.filename.lower().endswith(suffix) and not info.filename.startswith("__MACOSX")]
        if len(members) != 1:
            raise RegisterFileProblem(f"The zip file must hold exactly one {suffix} file; {filename} holds "
                                      f"{len(members)}")
        with archive, archive.open(members[0]) as member:
            yield io.TextIOWrapper(member, encoding="utf-8-sig", newline="")
        return
    if b"\x00" in start:
        raise RegisterFileProblem("The selected file is not a text file")
    wrapper = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        yield wrapper
    finally:
        wrapper.detach()  # the caller's stream stays open


def _lines(text: IO[str]) -> Iterator[str]:
    """The file's lines for the CSV reader, each read to at most ``LINE_MAX`` characters: a file that is
    not a register's (or a zip bomb of one endless line) is refused before it fills the memory."""
    while True:
        line = text.readline(LINE_MAX)
        if not line:
            return
        if len(line) >= LINE_MAX and not line.endswith("\n"):
            raise RegisterFileProblem(f"A line of the file is longer than {LINE_MAX:,} characters: it is not a "
                                      "register's file")
        yield line


def _columns(header: list[str], needed: tuple[str, ...], register: Register) -> dict[str, int]:
    names = [name.strip() for name in header]
    missing = [name for name in needed if name not in names]
    if missing:
        plural = "columns" if len(missing) > 1 else "column"
        raise RegisterFileProblem(
            f"The file has no {', '.join(missing)} {plural}: is it {FILE_DESCRIPTIONS[register]}?")
    return {name: names.index(name) for name in needed}


def _flag(text: str, column: str, row: int) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise RegisterFileProblem(f"Row {row}: {column} is “{text[:40]}”, not True or False")


def _date(text: str, column: str, row: int) -> date | None:
    try:
        return _read_date(text)
    except ValueError:
        raise RegisterFileProblem(f"Row {row}: {column} “{text[:40]}” is not a date") from None


class _Rows:
    """A register file's entries as they are read, and the extract date once known."""

    def __init__(self) -> None:
        self.extract_date: date | None = None


def _charity_rows(reader: Any, found: _Rows) -> Iterator[dict[str, Any]]:
    at = _columns(next(reader, []), CHARITY_COLUMNS, Register.CHARITY)
    width = max(at.values()) + 1
    for fields in reader:
        row = reader.line_num
        if not any(field.strip() for field in fields):
            continue
        fields = fields + [""] * (width - len(fields))
        linked = fields[at["linked_charity_number"]].strip()
        if not linked.isdigit():
            raise RegisterFileProblem(f"Row {row}: linked_charity_number “{linked[:40]}” is not a number")
        if int(linked) != 0:
            continue  # a linked charity (a branch or subsidiary), not a charity of its own
        number = fields[at["registered_charity_number"]].strip()
        if not number.isdigit():
            raise RegisterFileProblem(f"Row {row}: registered_charity_number “{number[:40]}” is not a number")
        if found.extract_date is None:
            found.extract_date = _date(fields[at["date_of_extract"]], "date_of_extract", row)
            if found.extract_date is None:
                raise RegisterFileProblem(f"Row {row}: date_of_extract is empty")
        yield {
            "number": number,
            "name": " ".join(fields[at["charity_name"]].split())[:NAME_MAX],
            "status": fields[at["charity_registration_status"]].strip()[:STATUS_MAX],
            "ended_on": _date(fields[at["date_of_removal"]], "date_of_removal", row),
            "insolvent": _flag(fields[at["charity_insolvent"]], "charity_insolvent", row),
            "in_administration": _flag(fields[at["charity_in_administration"]], "charity_in_administration", row),
        }


def _company_rows(reader: Any, found: _Rows) -> Iterator[dict[str, Any]]:
    at = _columns(next(reader, []), COMPANY_COLUMNS, Register.COMPANY)
    width = max(at.values()) + 1
    for fields in reader:
        row = reader.line_num
        if not any(field.strip() for field in fields):
            continue
        if len(fields) < width:
            raise RegisterFileProblem(f"Row {row} has {len(fields)} columns, fewer than the header's")
        number = comparable_number(fields[at["CompanyNumber"]], company=True)
        if not number or len(number) > 20:
            raise RegisterFileProblem(f"Row {row}: CompanyNumber “{number[:40]}” is not a company number")
        status = " ".join(fields[at["CompanyStatus"]].split())[:STATUS_MAX]
        _date(fields[at["IncorporationDate"]], "IncorporationDate", row)  # checked: a bad one means a bad file
        yield {
            "number": number,
            "name": " ".join(fields[at["CompanyName"]].split())[:NAME_MAX],
            "status": status,
            "ended_on": _date(fields[at["DissolutionDate"]], "DissolutionDate", row),
            "insolvent": False,  # the status says liquidation or receivership in Companies House's words
            "in_administration": "administration" in status.lower(),
        }


def _load(register: Register, rows: Iterator[dict[str, Any]], found: _Rows, filename: str,
          extract_date: Callable[[], date | None], user: User | None) -> RegisterExtract:
    extract: RegisterExtract | None = None
    batch: list[dict[str, Any]] = []
    count = 0
    try:
        for entry in rows:
            if extract is None:
                day = extract_date() or found.extract_date
                if day is None:
                    raise RegisterFileProblem("Enter the date of the extract: the file name does not give it")
                # The first good row: the register's old entries go (all rolled back if a later row fails).
                db.session.execute(delete(RegisterEntry).where(RegisterEntry.register == register))
                extract = RegisterExtract(register=register, extract_date=day, filename=filename[:255], row_count=0,
                                          imported_by_id=user.id if user else None)
                db.session.add(extract)
                db.session.flush()
            batch.append(entry | {"register": register, "extract_id": extract.id})
            count += 1
            if len(batch) >= BATCH_ROWS:
                db.session.execute(insert(RegisterEntry), batch)
                batch = []
        if batch:
            db.session.execute(insert(RegisterEntry), batch)
    except IntegrityError:
        raise RegisterFileProblem("The file lists the same number more than once, so it was not imported") from None
    except UnicodeDecodeError:
        raise RegisterFileProblem("The file is not UTF-8 text, as the register publishes it") from None
    except csv.Error as error:
        raise RegisterFileProblem(f"The file cannot be read as {FILE_DESCRIPTIONS[register]}: {error}") from None
    if extract is None:
        raise RegisterFileProblem(f"The file lists no {'charities' if register is Register.CHARITY else 'companies'}")
    extract.row_count = count
    audit.record("registers.imported", extract,
                 f"{register.label} imported from {extract.filename}: {count:,} entries, extract of "
                 f"{extract.extract_date.isoformat()}",
                 changes=audit.diff({}, {"register": register.value, "extract_date": extract.extract_date,
                                         "row_count": count, "filename": extract.filename}), actor=user)
    return extract


def import_charity_extract(stream: BinaryIO, filename: str, user: User | None = None) -> RegisterExtract:
    """Replace the Charity Commission register's entries with the main charities in ``stream``."""
    found = _Rows()
    with _text(stream, filename, ".txt") as text:
        reader = csv.reader(_lines(text), delimiter="\t", quoting=csv.QUOTE_NONE)
        return _load(Register.CHARITY, _charity_rows(reader, found), found, filename, lambda: None, user)


def import_company_data(stream: BinaryIO, filename: str, extract_date: date | None = None,
                        user: User | None = None) -> RegisterExtract:
    """Replace the Companies House register's entries with the companies in ``stream``; its date is
    ``extract_date`` if given, else the one in ``filename`` (or the zip's file)."""
    found = _Rows()
    with _text(stream, filename, ".csv") as text:
        inner = getattr(getattr(text, "buffer", None), "name", "") or ""
        reader = csv.reader(_lines(text))
        return _load(Register.COMPANY, _company_rows(reader, found), found, filename,
                     lambda: extract_date or date_in_filename(filename) or date_in_filename(str(inner)), user)
