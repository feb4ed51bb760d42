"""What a username looks like, so that sign-up can refuse look-alikes and reserved names.

The key is a Unicode TR39 "skeleton" (https://www.unicode.org/reports/tr39/#Confusable_Detection)
of the case-folded name: NFD, every character replaced by the prototype it is confusable with,
NFD again. "аda" (Cyrillic а) and "ADA" both come to "ada"; "rnary" and "mary" to "rnary";
"ada1" and "adal" to "adal"; "b0b" and "bob" to "bob". The confusable pairs are Unicode's
confusables.txt, as shipped in the confusable_homoglyphs package, which lists each pair both
ways: source to prototype, and prototype to its sources. No Django here.
"""

import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables

LRM = "\u200e"  # the package wraps right-to-left characters in it for display


def _prototypes() -> dict[str, str]:
    """Each character's prototype. In confusables.txt a source is one character mapped to one
    prototype, and a prototype is never a source; so a character listed with one entry is a
    source of that entry, unless the entry lists only it back (a pair: then either of the two
    stands for both, the smaller)."""
    pairs = {
        key.replace(LRM, ""): [entry["c"].replace(LRM, "") for entry in entries]
        for key, entries in confusables.confusables_data.items()
    }
    table = {}
    for char, others in pairs.items():
        if len(others) != 1:
            continue  # a prototype of several sources
        other = others[0]
        if len(other) > 1 or len(pairs.get(other, [])) > 1:
            table[char] = other
        elif other != char:
            table[char] = min(char, other)
    return table


PROTOTYPES = _prototypes()

# Names a visitor could use to pass for the site or its staff.
RESERVED_NAMES = frozenset(
    {
        *("abuse", "admin", "administrator", "anonymous", "api", "help", "hostmaster", "info"),
        *("instructor", "instructors", "istio", "mail", "meshlearn", "moderator", "noreply"),
        *("no-reply", "null", "owner", "postmaster", "root", "security", "staff", "superuser"),
        *("support", "sysadmin", "system", "team", "teams", "webmaster"),
    }
)


def skeleton(name: str) -> str:
    text = unicodedata.normalize("NFD", name.casefold())
    # Case-folded again after the mapping, and mapped again: some prototypes are capitals
    # ("0" is confusable with "O"), and "b0b" must meet "bob".
    for _ in range(2):
        text = "".join(PROTOTYPES.get(char, char) for char in text).casefold()
    return unicodedata.normalize("NFD", text)


@lru_cache(maxsize=1)
def reserved_skeletons() -> frozenset[str]:
    return frozenset(skeleton(name) for name in RESERVED_NAMES)


def is_reserved(name: str) -> bool:
    return skeleton(name) in reserved_skeletons()
