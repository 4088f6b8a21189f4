"""Error replies in the client's own API format, so SDKs raise a readable error, not a parse failure."""

from __future__ import annotations

from aiohttp import web

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
    404: "not_found_error",
    413: "invalid_request_error",
    502: "upstream_error",
    504: "upstream_timeout",
}


def is_anthropic(path: str) -> bool:
    return path.startswith("/v1/messages")


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
    return web.json_response(error_body(path, status, message, code), status=status)
