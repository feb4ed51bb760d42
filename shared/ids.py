"""Ids sent by browsers (form fields, query strings), read safely as integers."""


def parse_id(value) -> int | None:
    """`value` as an id, or None: ASCII digits only ("²" and "١" are digits to str.isdigit()
    but not to int()), and at most 18 of them, so a 40-digit "id" is a bad request, not an
    overflow in the database driver or Python's 4300-digit limit."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None
