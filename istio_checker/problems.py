"""What the checker reports: one `Problem` per finding, JSON-ready through `dataclasses.asdict`.

Codes starting with IST mirror the `istioctl analyze` message of the same number
(https://istio.io/latest/docs/reference/config/analysis/); codes starting with ML are MeshLearn's
own, for things istioctl has no message for (YAML syntax, size limits, deprecations, weights).
"""

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]

SEVERITY_RANK: dict[str, int] = {"error": 0, "warning": 1, "info": 2}

# Messages quote the learner's own keys and values; a 100 KB key must not make a 100 KB message.
MAX_CHARS = {"path": 300, "message": 600, "hint": 1200}
MAX_PATH, MAX_MESSAGE, MAX_HINT = MAX_CHARS["path"], MAX_CHARS["message"], MAX_CHARS["hint"]

# istioctl analyze messages we mirror.
REFERENCED_RESOURCE_NOT_FOUND = "IST0101"
SCHEMA_VALIDATION_ERROR = "IST0106"
CONFLICTING_MESH_GATEWAY_HOSTS = "IST0109"
UNREACHABLE_RULE = "IST0130"
INEFFECTIVE_MATCH = "IST0131"
HOST_NOT_IN_GATEWAY = "IST0132"
CONFLICTING_GATEWAYS = "IST0145"
CONFLICTING_SIDECAR_SELECTORS = "IST0110"
MULTIPLE_SIDECARS_WITHOUT_SELECTOR = "IST0111"
NO_SERVER_CERT_VERIFICATION = "IST0128"
NO_SERVER_CERT_VERIFICATION_PORT = "IST0129"
SERVICE_ENTRY_ADDRESSES_REQUIRED = "IST0134"
ENVOY_FILTER_RELATIVE_OPERATION = "IST0151"
ENVOY_FILTER_REPLACE_MISUSED = "IST0152"
ENVOY_FILTER_ADD_MISUSED = "IST0153"
ENVOY_FILTER_REMOVE_MISUSED = "IST0154"
INVALID_TELEMETRY_PROVIDER = "IST0157"
CONFLICTING_TELEMETRY_SELECTORS = "IST0159"
MULTIPLE_TELEMETRIES_WITHOUT_SELECTOR = "IST0160"
CONFLICTING_SERVICE_ENTRY_PROTOCOL = "IST0177"

# MeshLearn's own, for the analyzers (istio_checker/analyzers/; docs/lab-checks.md).
SHADOWED_RULE = "ML0040"  # a rule below one that matches every path (istioctl: no message)

# MeshLearn's own.
INPUT_TOO_LARGE = "ML0001"
YAML_SYNTAX = "ML0002"
YAML_TAG_REFUSED = "ML0003"
YAML_TOO_COMPLEX = "ML0004"
NOTHING_TO_CHECK = "ML0005"
DUPLICATE_KEY = "ML0006"
CHECK_STOPPED = "ML0007"  # the check ran out of its work budget (budget.py): a partial result
NOT_A_RESOURCE = "ML0010"
UNKNOWN_KIND = "ML0011"
UNKNOWN_API_VERSION = "ML0012"
OLD_API_VERSION = "ML0013"
DEPRECATED_FIELD = "ML0020"
WEIGHTS_NOT_100 = "ML0021"
NO_DEFAULT_ROUTE = "ML0022"
DELEGATE_VIRTUAL_SERVICE = "ML0023"
REGEX_NOT_RE2 = "ML0024"
SEMANTIC = "ML0025"
NEWER_THAN_RELEASE = "ML0026"  # a field or value the release checked for does not have
SNAKE_CASE_ALIAS = "ML0027"  # a snake_case field name Istio still accepts


@dataclass(frozen=True)
class Problem:
    """One finding. `line`/`column` are 1-based; `path` is dotted from the document root."""

    severity: Severity
    code: str
    path: str
    line: int
    column: int
    message: str
    hint: str = ""


def sort_key(problem: Problem) -> tuple:
    return (problem.line, problem.column, SEVERITY_RANK[problem.severity], problem.code)


def clip(text: str, limit: int) -> str:
    """As much of `text` as a field of at most `limit` characters can show. The answer clips
    each field to its limit (checks.py), so a value clipped here before it is quoted gives the
    same answer, while quoting a 100 KB value in a thousand problems no longer copies it a
    thousand times. One character over the limit is kept, so the answer still marks the cut."""
    return text if len(text) <= limit else text[: limit + 1]
