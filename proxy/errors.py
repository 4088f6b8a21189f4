"""Error replies in the client's own API format, so SDKs raise a readable error, not a parse failure.

The format follows the upstream the path belongs to (`proxy.http_target.api_of`): Anthropic's
`{"type": "error", "error": {...}}` for `/v1/messages…`, OpenAI's `{"error": {...}}` otherwise.
An error the client cannot fix by trying again (a bad request, a missing team key) also says
`x-should-retry: false`, which the openai and anthropic SDKs obey before their status rules.
"""

from __future__ import annotations

from aiohttp import web

from proxy.http_target import api_of

ANTHROPIC_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    502: "api_error",
    503: "overloaded_error",
    504: "timeout_error",
}

OPENAI_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "invalid_request_error",
    502: "upstream_error",
    504: "upstream_timeout",
}

RETRYABLE_STATUSES = frozenset({408, 409, 429})  # and every 5xx: what the SDKs retry by status


class ApiError(Exception):
    """An error the client gets in its API's own JSON format."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


def is_anthropic(path: str) -> bool:
    return api_of(path) == "anthropic"


def error_body(path: str, status: int, message: str, code: str | None = None) -> dict[str, object]:
    if is_anthropic(path):
        return {"type": "error", "error": {"type": ANTHROPIC_TYPES.get(status, "api_error"), "message": message}}
    return {
        "error": {
            "message": message,
            "type": OPENAI_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error"),
            "param": None,
            "code": code,
        }
    }


def error_response(path: str, status: int, message: str, code: str | None = None) -> web.Response:
    retry = status >= 500 or status in RETRYABLE_STATUSES
    headers = {} if retry else {"x-should-retry": "false"}
    return web.json_response(error_body(path, status, message, code), status=status, headers=headers)
