"""A question as a course file writes it, in a lesson quiz, a course quiz or a bank file.
Pure Python: no Django.

Every question may carry the bank's tags (key, domain, competency, source, reread, output);
a bank file's questions must (BANK_FORMAT.md): key, competency, source, and a why on every
wrong choice. A `line` question has a config and the 1-based line that is wrong, no choices.
"""

import re
from dataclasses import dataclass, field

from .bank import COMPETENCIES, DOMAINS, LINE_CONFIG_LINES
from .questions import authoring_problems
from .reader import Reader
from .yamlfile import Path_

QUESTION_KINDS = ("single", "multiple", "line")
KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REREAD = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$")
_QUESTION_KEYS = {"prompt", "kind", "explanation", "choices", "key", "domain", "competency"}
_QUESTION_KEYS |= {"source", "reread", "output", "config", "correct_line"}


@dataclass
class ChoiceData:
    text: str
    correct: bool
    why: str = ""
    yaml: str = ""  # instead of text: a YAML snippet, shown highlighted


@dataclass
class QuestionData:
    prompt: str
    kind: str
    explanation: str
    choices: list[ChoiceData]
    key: str = ""
    domain: str = ""
    competency: str = ""
    source: str = ""
    reread: str = ""
    output: str = ""
    config: str = ""
    correct_line: int | None = None
    where: tuple = field(default=(), compare=False, repr=False)  # (file, line) for messages


def config_lines(config: str) -> list[str]:
    """A `line` question's lines, as the learner sees them numbered (its choices, in order)."""
    return config.replace("\r\n", "\n").rstrip("\n").split("\n") if config.strip() else []


def read_question(reader: Reader, value, path: Path_, *, bank_domain: str = "") -> QuestionData:
    """One question; `bank_domain`: it is in that domain's bank file, so it is held to the
    bank's rules and takes the file's domain."""
    required = {"prompt", "explanation"} | (
        {"key", "competency", "source"} if bank_domain else set()
    )
    raw = reader.mapping(value, path, _QUESTION_KEYS, required)
    kind = reader.choice(raw.get("kind"), (*path, "kind"), QUESTION_KINDS, "single")
    question = QuestionData(
        prompt=reader.text(raw["prompt"], (*path, "prompt")),
        kind=kind,
        explanation=reader.text(raw["explanation"], (*path, "explanation")),
        choices=[],
        where=(reader.doc.file, reader.doc.line(path)),
    )
    _read_tags(reader, raw, path, question, bank_domain)
    if kind == "line":
        _read_line(reader, raw, path, question)
        return question
    if "config" in raw or "correct_line" in raw:
        key = "config" if "config" in raw else "correct_line"
        raise reader.doc.error((*path, key), "only a question of kind 'line' has a config")
    if "choices" not in raw:
        raise reader.doc.error(path, "missing required key 'choices'")
    for index, item in enumerate(reader.sequence(raw["choices"], (*path, "choices"))):
        question.choices.append(_read_choice(reader, item, (*path, "choices", index), bank_domain))
    # The same rules as the quiz admin, so a file and the admin refuse the same questions.
    choices = question.choices
    problems = authoring_problems(kind, len(choices), sum(c.correct for c in choices))
    if problems:
        raise reader.doc.error((*path, "choices"), problems[0])
    return question


def _read_choice(reader: Reader, value, path: Path_, bank_domain: str) -> ChoiceData:
    choice = reader.mapping(value, path, {"text", "yaml", "correct", "why"}, set())
    if ("text" in choice) == ("yaml" in choice):
        raise reader.doc.error(path, "a choice has either 'text' or 'yaml' (one of them)")
    data = ChoiceData(
        text=reader.text(choice.get("text"), (*path, "text"), max_length=500),
        yaml=reader.text(choice.get("yaml"), (*path, "yaml"), max_length=4000),
        correct=reader.boolean(choice.get("correct"), (*path, "correct"), default=False),
        why=reader.text(choice.get("why"), (*path, "why")),
    )
    if not (data.text or data.yaml).strip():
        raise reader.doc.error(path, "a choice's text (or yaml) is empty")
    if bank_domain and not data.correct and not data.why.strip():
        raise reader.doc.error(
            path, "missing 'why' (a bank question says why each wrong choice is)"
        )
    return data


def _read_tags(reader: Reader, raw: dict, path: Path_, question: QuestionData, bank: str) -> None:
    if "domain" in raw and bank and raw["domain"] != bank:
        raise reader.doc.error((*path, "domain"), f"this bank file's domain is '{bank}'")
    domain = reader.choice(raw.get("domain"), (*path, "domain"), tuple(DOMAINS), bank)
    key = reader.text(raw.get("key"), (*path, "key"), max_length=80)
    if key and not KEY.match(key):
        raise reader.doc.error((*path, "key"), f"'{key}' is not a key (a-z, 0-9 and '-')")
    competency = reader.text(raw.get("competency"), (*path, "competency"), max_length=60)
    if competency and not domain:
        raise reader.doc.error((*path, "competency"), "a competency needs a 'domain'")
    if competency and competency not in COMPETENCIES[domain]:
        known = "; ".join(COMPETENCIES[domain])
        raise reader.doc.error(
            (*path, "competency"), f"'{competency}' is not a {domain} competency ({known})"
        )
    source = reader.text(raw.get("source"), (*path, "source"), max_length=500)
    if source and not source.startswith("https://"):
        raise reader.doc.error((*path, "source"), f"'{source}' is not an absolute https:// URL")
    reread = reader.text(raw.get("reread"), (*path, "reread"), max_length=110)
    if reread and not REREAD.match(reread):
        raise reader.doc.error((*path, "reread"), "expected lesson-slug/section-slug")
    question.key, question.domain, question.competency = key, domain, competency
    question.source, question.reread = source, reread
    question.output = reader.text(raw.get("output"), (*path, "output"), max_length=8000)


def _read_line(reader: Reader, raw: dict, path: Path_, question: QuestionData) -> None:
    if "choices" in raw:
        raise reader.doc.error((*path, "choices"), "a 'line' question has no choices")
    for key in ("config", "correct_line"):
        if raw.get(key) in (None, ""):
            raise reader.doc.error(path, f"missing required key '{key}' (kind 'line')")
    config = reader.text(raw["config"], (*path, "config"), max_length=8000)
    lines = config_lines(config)
    low, high = LINE_CONFIG_LINES
    if not low <= len(lines) <= high:
        raise reader.doc.error(
            (*path, "config"), f"has {len(lines)} lines; a 'line' question shows {low} to {high}"
        )
    if any(len(line) > 500 for line in lines):
        raise reader.doc.error((*path, "config"), "has a line longer than 500 characters")
    correct = reader.whole_number(raw["correct_line"], (*path, "correct_line"))
    if not 1 <= correct <= len(lines):
        raise reader.doc.error(
            (*path, "correct_line"),
            f"line {correct} is out of range: the config has 1 to {len(lines)}",
        )
    question.config, question.correct_line = config, correct
