"""Ids in addresses: only numbers the database's id columns can hold reach a view.

Every id column is an ``integer`` (the models' ``Mapped[int]`` primary keys: PostgreSQL's 32 bits,
0 to 2,147,483,647). Werkzeug's ``int`` converter takes any run of digits, so ``/rounds/1`` followed
by twenty 9s reached the database, which refused it (PostgreSQL: "integer out of range"; SQLite's
driver: "Python int too large"), a 500. This converter replaces ``int`` for every route: a larger
number is no address of the service, and routing answers "page not found" before any view runs.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from grants.forms import LARGEST_ID


def digits_up_to(largest: int) -> str:
    """A regular expression for the whole numbers 0 to ``largest``, written without leading zeros.

    The range is in the pattern rather than checked after matching: Werkzeug tries a rule's
    methods before its converters, so a POST to ``/awards/2147483648/returns/1`` (whose GET rule
    has the same path) would otherwise be "method not allowed" instead of "not found". ASCII digits
    only (``\\d`` takes other scripts' digits too), and never a run longer than ``largest`` has
    (Python refuses to read more than 4,300 digits, with a ValueError that routing does not catch).
    """
    text = str(largest)
    shorter = [f"[1-9][0-9]{{0,{len(text) - 2}}}"] if len(text) > 1 else []
    # As many digits as ``largest``: its first i digits, a smaller one, then any digits.
    same_length = [
        f"{text[:i]}[{1 if i == 0 else 0}-{int(digit) - 1}][0-9]{{{len(text) - i - 1}}}"
        for i, digit in enumerate(text)
        if int(digit) - 1 >= (1 if i == 0 else 0)
    ]
    return "(?:" + "|".join(["0", *shorter, *same_length, text]) + ")"


class RecordIdConverter(IntegerConverter):
    """``<int:...>``: a whole number from 0 to ``LARGEST_ID``."""

    regex = digits_up_to(LARGEST_ID)

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = 0, max: int | None = LARGEST_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Register the converter as ``int``: before any route is added, as a rule takes its converter then."""
    app.url_map.converters["int"] = RecordIdConverter
