"""The words of the grant agreement: the standard conditions of a small grant, and an amount of
money written out in words as the agreement states it.

An award keeps the keys of the standard conditions it was offered with (Award.standard_conditions);
the text is here, so the agreement reads the same wherever it is shown. Change a condition's wording
with care: awards already offered show the new words. Add a new key rather than changing the
meaning of an old one.
"""

from __future__ import annotations

from decimal import Decimal

# key: the condition as the grantee reads it. Order is the order on the agreement.
STANDARD_CONDITIONS: dict[str, str] = {
    "purpose": (
        "You will use the grant only for the project and purposes described in your application, as "
        "agreed in this offer. You will ask us first, in writing, before using it for anything else."
    ),
    "safeguarding": (
        "You will have a safeguarding policy in place for the whole of the project, suited to the people "
        "you work with (including children and adults at risk), and you will follow it. Staff and "
        "volunteers will have the checks their roles need."
    ),
    "monitoring": (
        "You will send us your monitoring returns by the dates in the monitoring schedule, telling us "
        "honestly what you did, who you reached, what you spent and what difference it made."
    ),
    "changes": (
        "You will tell us straight away about anything that affects the project or your organisation: "
        "delays, changes to what you will do, money problems, a change of key people, or any serious "
        "incident or complaint."
    ),
    "records": (
        "You will keep proper accounts and records of how you spend the grant, with receipts and invoices, "
        "for 6 years after the grant ends, and show them to us if we ask."
    ),
    "unspent": (
        "You will return any of the grant you have not spent on the project at its end, and any of it "
        "used for something other than the project, when we ask you to."
    ),
    "acknowledge": (
        "You will acknowledge the support of the Office of the Police and Crime Commissioner in your "
        "publicity and reports about the project, and let us use your project's story in ours."
    ),
    "no_promotion": (
        "You will not use the grant to promote a political party or cause, or a religious belief, or "
        "to campaign for a change in the law."
    ),
    "data_protection": (
        "You will comply with data protection law (the UK GDPR and the Data Protection Act 2018) for "
        "any personal information you collect in the project, and give us only the personal "
        "information we need."
    ),
}


def condition_text(key: str) -> str:
    """The wording of a standard condition; a key no longer in use is shown as itself."""
    return STANDARD_CONDITIONS.get(key, key)


_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ((1_000_000_000, "billion"), (1_000_000, "million"), (1_000, "thousand"))


def _under_thousand(number: int) -> str:
    hundreds, rest = divmod(number, 100)
    words = []
    if hundreds:
        words.append(f"{_ONES[hundreds]} hundred")
    if rest:
        if hundreds:
            words.append("and")
        if rest < 20:
            words.append(_ONES[rest])
        else:
            tens, ones = divmod(rest, 10)
            words.append(_TENS[tens] + (f"-{_ONES[ones]}" if ones else ""))
    return " ".join(words)


def number_in_words(number: int) -> str:
    """A whole number, 0 or more, in British English words: 12,503 → "twelve thousand, five
    hundred and three"."""
    if number < 0:
        raise ValueError("The number must not be negative")
    if number == 0:
        return "zero"
    parts = []
    for size, name in _SCALES:
        count, number = divmod(number, size)
        if count:
            parts.append(f"{number_in_words(count)} {name}")
    if number:
        # "one thousand and five": "and" joins a last part under a hundred to larger parts.
        parts.append(("and " if parts and number < 100 else "") + _under_thousand(number))
    return ", ".join(parts).replace(", and ", " and ")


def amount_in_words(amount: Decimal) -> str:
    """Money as an agreement writes it: £4,000.50 → "four thousand pounds and fifty pence"."""
    pence = int((amount * 100).to_integral_value())
    if pence < 0:
        raise ValueError("The amount must not be negative")
    pounds, pence = divmod(pence, 100)
    words = f"{number_in_words(pounds)} pound{'' if pounds == 1 else 's'}"
    if pence:
        words += f" and {number_in_words(pence)} {'penny' if pence == 1 else 'pence'}"
    return words
