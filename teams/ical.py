"""A minimal iCalendar (RFC 5545) writer for due dates: escaping, line folding, CRLF. Pure
Python, no Django.

Written here rather than taken from a library because a feed of VEVENTs with a fixed UTC time
needs only these three rules: text values escape backslash, semicolon, comma and newline
(RFC 5545 §3.3.11); content lines are folded at 75 octets with CRLF and one space, never inside
a UTF-8 character (§3.1); and every line ends in CRLF.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

MAX_OCTETS = 75


def escape_text(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    for raw, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
        value = value.replace(raw, escaped)
    return value


def fold(line: str) -> str:
    """One content line folded into parts of at most 75 octets, joined by CRLF + space."""
    parts: list[str] = []
    current, size = [], 0
    limit = MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
            limit = MAX_OCTETS - 1  # a continuation line starts with the folding space
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def utc_stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class Event:
    uid: str
    start: datetime  # aware
    summary: str
    description: str = ""
    url: str = ""


def calendar(name: str, events: list[Event], *, now: datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//MeshLearn//Assignments//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    stamp = utc_stamp(now)
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(event.uid)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc_stamp(event.start)}",
            f"DTEND:{utc_stamp(event.start)}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
