"""Reading forms and links out of the site's HTML as a browser would submit them.

Used by the classroom learners (bench/classroom_learners.py), who find every URL, CSRF token
and choice on the page served, never from the code. Plain string work and small regexes (no
HTML parser): the load generator reads thousands of pages a second and must not be the
bottleneck.
"""

from __future__ import annotations

import html
import re

ATTR = re.compile(r'([\w:-]+)(?:=(?:"([^"]*)"|\'([^\']*)\'))?')
INPUT = re.compile(r"<input\b([^>]*)>")
SELECT = re.compile(r"<select\b([^>]*)>(.*?)</select>", re.S)
OPTION = re.compile(r"<option\b([^>]*)>")
TEXTAREA = re.compile(r"<textarea\b([^>]*)>(.*?)</textarea>", re.S)
LINK = re.compile(r'<a\b[^>]*\bhref="([^"]*)"[^>]*>(.*?)</a>', re.S)  # small pages only
QUIZ_HREF = re.compile(r'href="(/quizzes/[^"]+)"')
LAB_HREF = re.compile(r'href="(/lab/\?[^"]*)"')


def attrs(text: str) -> dict[str, str]:
    return {m[1]: html.unescape(m[2] or m[3] or "") for m in ATTR.finditer(text)}


def forms(page: str) -> list[tuple[dict[str, str], str]]:
    """Each form of the page: its attributes and its inner HTML. (str.find, not a regex: a
    lazy regex over a 60 KB page costs the load generator a millisecond.)"""
    found, start = [], page.find("<form")
    while start != -1:
        head_end = page.find(">", start)
        end = page.find("</form>", head_end)
        if head_end == -1 or end == -1:
            break
        found.append((attrs(page[start + 5 : head_end]), page[head_end + 1 : end]))
        start = page.find("<form", end)
    return found


def form_fields(body: str) -> dict[str, str]:
    """What a browser submits for the form as it is drawn (no button, checked boxes only)."""
    fields: dict[str, str] = {}
    for head in INPUT.findall(body):
        field = attrs(head)
        kind = field.get("type", "text")
        if "name" not in field or kind in {"submit", "button", "image", "file", "reset"}:
            continue
        if kind in {"radio", "checkbox"} and "checked" not in field:
            continue
        fields[field["name"]] = field.get("value", "")
    for head, options in SELECT.findall(body):
        name = attrs(head).get("name")
        choices = [attrs(option) for option in OPTION.findall(options)]
        if name and choices:
            chosen = next((c for c in choices if "selected" in c), choices[0])
            fields[name] = chosen.get("value", "")
    for head, text in TEXTAREA.findall(body):
        name = attrs(head).get("name")
        if name:
            # A browser drops the one newline right after <textarea>.
            fields[name] = html.unescape(text[1:] if text.startswith("\n") else text)
    return fields


def options_of(body: str, name: str) -> list[str]:
    for head, options in SELECT.findall(body):
        if attrs(head).get("name") == name:
            return [attrs(option).get("value", "") for option in OPTION.findall(options)]
    return []


def choice_inputs(body: str) -> tuple[str, list[str]]:
    """The answer form's choices as drawn: ('radio' or 'checkbox', their values in page order)."""
    kinds, values = set(), []
    for head in INPUT.findall(body):
        field = attrs(head)
        if field.get("name") == "choice":
            kinds.add(field.get("type", "radio"))
            values.append(field.get("value", ""))
    return ("checkbox" if "checkbox" in kinds else "radio"), values
