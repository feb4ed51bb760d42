"""What the JSON checks for scripts (/lab/check.json, /practice/<task>/check.json) refuse before
any checking, in the same words: too many checks a minute (429, with Retry-After), a body or a
config too large (413), no `config` field (400)."""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse, QueryDict

from .body_limit import declared_length


def config_post(
    request: HttpRequest, *, limited: dict | None, max_body: int, max_config: int
) -> tuple[QueryDict | None, JsonResponse | None]:
    """(the POSTed form, None), or (None, the refusal). `limited`: the rate limit's verdict,
    {"per_minute", "wait"} when this check is one too many, else None."""
    if limited is not None:
        per_minute, wait = limited["per_minute"], limited["wait"]
        response = JsonResponse(
            {
                "error": f"More than {per_minute} checks a minute from your address; "
                f"try again in {wait} s.",
                "retry_after": wait,
            },
            status=429,
        )
        response["Retry-After"] = str(wait)
        return None, response
    if declared_length(request) > max_body:
        return None, too_large(max_config)
    try:
        data = request.POST
    except RequestDataTooBig:
        return None, too_large(max_config)
    if "config" not in data:
        refusal = JsonResponse(
            {
                "error": "Send the YAML in the form field `config` (form-encoded or multipart).",
                "fields": {"config": [{"message": "This field is required.", "code": "required"}]},
            },
            status=400,
        )
        return None, refusal
    if len(data["config"].encode("utf-8", errors="replace")) > max_config:
        return None, too_large(max_config)
    return data, None


def too_large(max_config: int) -> JsonResponse:
    return JsonResponse(
        {"error": f"The config is larger than {max_config // 1024} KB; send less at a time."},
        status=413,
    )
