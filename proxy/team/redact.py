"""Mask secrets in audit excerpts: the audit log must not become a second place keys leak from."""

from __future__ import annotations

import functools
import re

MASK = "****"

# (pattern, group to mask). Well-known token shapes first, then `name = "value"` assignments.
_PATTERNS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)"), 0),
    (re.compile(r"\b((?:AKIA|ASIA)[0-9A-Z]{16})\b"), 1),
    (re.compile(r"\b((?:sk|rk|pk)-(?:ant-|proj-|live-|test-)?[A-Za-z0-9_\-]{16,})"), 1),
    (re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{20,})"), 1),
    (re.compile(r"\b(xox[abprs]-[A-Za-z0-9-]{10,})"), 1),
    (re.compile(r"\b(bwk_[a-z0-9-]+_[0-9a-f]{64})"), 1),
    (re.compile(r"\b(eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{5,})"), 1),
    (re.compile(r"(?i)(?:bearer|basic)\s+([A-Za-z0-9._~+/=-]{12,})"), 1),
    (re.compile(r"://[^/\s:@]+:([^@\s/]+)@"), 1),
    (re.compile(
        r"""(?i)\b[\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|"""
        r"""credential|auth)[\w.-]*["']?\s*[:=]\s*["']([^"'\s]{4,})["']"""
    ), 1),
    (re.compile(
        r"""(?i)\b(?:export\s+)?[A-Z0-9_]*(?:PASSWORD|SECRET|TOKEN|API_KEY|ACCESS_KEY)[A-Z0-9_]*=([^\s"']{4,})"""
    ), 1),
]


def redact(text: str) -> str:
    for pattern, group in _PATTERNS:
        text = pattern.sub(functools.partial(_mask, group=group), text)
    return text


def _mask(match: re.Match[str], *, group: int) -> str:
    whole = match.group(0)
    if group == 0:
        return MASK
    start, end = match.span(group)
    offset = match.start(0)
    return whole[: start - offset] + MASK + whole[end - offset:]


def excerpt(code: str, limit: int) -> str:
    """The first `limit` characters of the code, secrets masked (masking first, so no cut hides a key)."""
    masked = redact(code)
    return masked if len(masked) <= limit else masked[:limit] + "…"
