"""Due times: a wall-clock time in a named zone in, a UTC instant stored, and the zone shown
again beside it. Pure Python (zoneinfo), no Django.

A local time that the zone skips (clocks going forward) would be silently moved by an hour, so
it is refused with a message instead; an ambiguous one (clocks going back) takes the first.
"""

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


class DueTimeError(ValueError):
    """A local time that cannot be a due time; the message is for the form."""


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """IANA zone names a form offers, UTC first. Cached: the zone database does not change
    while a process runs (it is the system's or the tzdata package's files)."""
    names = sorted(n for n in available_timezones() if "/" in n and not n.startswith("Etc/"))
    return ("UTC", *names)


def zone(name: str) -> ZoneInfo:
    if name not in zone_names():
        raise DueTimeError(f"“{name[:64]}” is not a time zone this site knows.")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise DueTimeError(f"“{name[:64]}” is not a time zone this site knows.") from error


def to_utc(local: datetime, zone_name: str) -> datetime:
    """The UTC instant of a naive wall-clock time in the named zone."""
    tz = zone(zone_name)
    naive = local.replace(tzinfo=None)
    aware = naive.replace(tzinfo=tz)
    back = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if back != naive:
        raise DueTimeError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {zone_name} (the clocks skip it); "
            "choose a time an hour later or earlier."
        )
    return aware.astimezone(UTC)


def in_zone(instant: datetime, zone_name: str) -> datetime:
    """The instant as wall-clock time in the zone (UTC if the name is no longer known)."""
    try:
        tz = zone(zone_name)
    except DueTimeError:
        tz = ZoneInfo("UTC")
    return instant.astimezone(tz)


def label(instant: datetime, zone_name: str) -> str:
    """'Fri 18 Dec 2026, 17:00 CET (Europe/Berlin)': the zone's abbreviation and its name, as
    an abbreviation alone is ambiguous (CST is three zones)."""
    local = in_zone(instant, zone_name)
    text = f"{local:%a %d %b %Y, %H:%M} {local.tzname()}"
    return text if local.tzname() == zone_name else f"{text} ({zone_name})"
