"""Mask secrets in audit excerpts: the audit log must not become a second place keys leak from.

Three sources of "this is a secret", merged into one set of character spans:

1. detect-secrets (Yelp), the most widely used Python secret detector with an in-process
   plugin API (gitleaks and trufflehog are Go binaries, not libraries): provider token shapes,
   `password = "…"`-style keywords, and high-entropy strings. Its plugins are instantiated
   here directly, so no global detect-secrets settings are read or changed.
2. Our own token shapes, for families detect-secrets misses or reports only in part
   (Google `AIza…`, Hugging Face `hf_…`, GitLab `glpat-…` (detect-secrets reports only the
   prefix), Breakwater `bwk_…`, bearer tokens, `mysql -pPass`, unquoted YAML/INI secrets).
3. The lines of every `hardcoded-secret` finding the scan itself made (the rule knows the
   secret is there even when no pattern does).

Masking is done on the text before it is cut to the excerpt length, so no cut hides a key.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.plugins.base import BasePlugin
from detect_secrets.plugins.high_entropy_strings import HighEntropyStringsPlugin

MASK = "****"
SECRET_CATEGORY = "hardcoded-secret"
_NOT_SECRETS = {"Public IP (ipv4)"}  # an address is not a credential, and masking it hides the code's meaning
_EAGER_MIN_LENGTH = 20  # unquoted high-entropy tokens shorter than this are mostly identifiers
_LOOKAHEAD_CHARS = 4096  # text past the excerpt that is still scanned, so a secret cut by the limit is masked

# (pattern, group to mask). Group 0: the first group that matched, or the whole match when it has none.
_PATTERNS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)"), 0),
    (re.compile(r"\b((?:AKIA|ASIA)[0-9A-Z]{16})\b"), 1),
    (re.compile(r"\b((?:sk|rk|pk)-(?:ant-|proj-|live-|test-)?[A-Za-z0-9_\-]{16,})"), 1),
    (re.compile(r"\b((?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,})"), 1),
    (re.compile(r"\b(AIza[0-9A-Za-z_\-]{30,})"), 1),
    (re.compile(r"\b(hf_[A-Za-z0-9]{20,})"), 1),
    (re.compile(r"\b(gl(?:pat|dt|ptt|rt|cbt|oas|soat|ft|imt|agent)-[A-Za-z0-9_\-]{16,})"), 1),
    (re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{20,})"), 1),
    (re.compile(r"\b(github_pat_[A-Za-z0-9_]{20,})"), 1),
    (re.compile(r"\b(xox[abeprs]-[A-Za-z0-9-]{10,})"), 1),
    (re.compile(r"\b(bwk_[a-z0-9-]+_[0-9a-f]{16,})"), 1),
    (re.compile(r"\b(eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,})"), 1),
    (re.compile(r"(?i)\b(?:bearer|basic|token)\s+([A-Za-z0-9._~+/=-]{12,})"), 1),
    (re.compile(r"://[^/\s:@]+:([^@\s/]+)@"), 1),
    # mysql -pPass, mysqldump -p'Pass', sshpass -p Pass, --password=Pass, --password Pass
    (re.compile(r"(?i)\b(?:mysql\w*|mariadb\w*)\b[^\n]*?\s-p(?:'([^'\s]+)'|\"([^\"\s]+)\"|([^\s'\"]+))"), 0),
    (re.compile(r"(?i)\bsshpass\s+-p\s*(\S+)"), 1),
    (re.compile(r"(?i)--(?:password|passwd|pass|token|secret|api-key)[= ](\S+)"), 1),
    (re.compile(
        r"""(?i)\b[\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|"""
        r"""credential|auth)[\w.-]*["']?\s*[:=]\s*["']([^"'\n]{4,})["']"""
    ), 1),
    # Unquoted YAML / INI / env values: `password: hunter2`, `aws_secret_access_key = wJal…`, `TOKEN=abc`.
    (re.compile(
        r"""(?im)^[ \t>-]*(?:export\s+)?[\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|"""
        r"""private[_-]?key|credential)[\w.-]*[ \t]*[:=][ \t]*(?!["'\s$])(?![\w.]+\()([^\s#]{4,})"""
    ), 1),
    (re.compile(
        r"""(?i)\b(?:export\s+)?[A-Z0-9_]*(?:PASSWORD|SECRET|TOKEN|API_KEY|ACCESS_KEY)[A-Z0-9_]*=([^\s"']{4,})"""
    ), 1),
]


class SecretMasker:
    """Finds secret spans in text and replaces them with `****`. One instance per writer thread."""

    def __init__(self, remembered: int = 1024) -> None:
        classes: Mapping[str, type[BasePlugin]] = get_mapping_from_secret_type_to_class()
        self._plugins: list[BasePlugin] = [cls() for name, cls in classes.items() if name not in _NOT_SECRETS]
        # The same suggestion reaches many developers: its excerpt is masked once (the detectors cost ~2 ms).
        self._excerpts: OrderedDict[tuple[bytes, int, tuple[tuple[int, int], ...]], str] = OrderedDict()
        self._remembered = remembered

    def spans(self, text: str, fixed: Iterable[tuple[int, int]] = (), keep: int | None = None) -> list[tuple[int, int]]:
        """Secret spans in `text`. `fixed`: spans known already (a rule's lines). With `keep`, only as many
        lines are read by the (slow) detectors as can still reach the first `keep` characters once masked:
        what lies beyond is cut from the excerpt anyway, and masking only ever shortens the text."""
        found = [span for pattern, group in _PATTERNS for span in _pattern_spans(pattern, group, text)]
        found += fixed
        offset = 0
        for line in text.splitlines(keepends=True):
            if keep is not None and offset and _masked_length(offset, found) > keep:
                break
            for value in self._detected(line):
                start = line.find(value)
                while start >= 0:
                    found.append((offset + start, offset + start + len(value)))
                    start = line.find(value, start + len(value))
            offset += len(line)
        return found

    def _detected(self, line: str) -> set[str]:
        values: set[str] = set()
        for plugin in self._plugins:
            eager = isinstance(plugin, HighEntropyStringsPlugin)
            kwargs: dict[str, Any] = (
                {"enable_eager_search": True} if eager or type(plugin).__name__ == "KeywordDetector" else {})
            for secret in plugin.analyze_line(filename="excerpt", line=line, line_number=1, **kwargs):
                value = secret.secret_value or ""
                if eager and not _high_entropy(plugin, value):  # type: ignore[arg-type]
                    continue
                if len(value) >= 4:
                    values.add(value)
        return values

    def mask(self, text: str, secret_lines: Iterable[tuple[int, int]] = (), keep: int | None = None) -> str:
        """`text` with every secret span, and every line in `secret_lines` (1-based, inclusive), masked
        (with `keep`: at least the first `keep` characters of the result are fully masked)."""
        spans = self.spans(text, _line_spans(text, secret_lines), keep)
        out, position = [], 0
        for start, end in _merged(spans):
            out.append(text[position:start])
            out.append(MASK)
            position = end
        out.append(text[position:])
        return "".join(out)

    def excerpt(self, code: str, limit: int, secret_lines: Iterable[tuple[int, int]] = ()) -> str:
        """The first `limit` characters of the code, secrets masked before the cut."""
        key = (hashlib.blake2b(code.encode("utf-8", "surrogatepass"), digest_size=16).digest(), limit,
               tuple(sorted(secret_lines)))
        if key in self._excerpts:
            self._excerpts.move_to_end(key)
            return self._excerpts[key]
        cut = self._excerpt(code, limit, key[2])
        self._excerpts[key] = cut
        if len(self._excerpts) > self._remembered:
            self._excerpts.popitem(last=False)
        return cut

    def _excerpt(self, code: str, limit: int, secret_lines: Iterable[tuple[int, int]]) -> str:
        head = code[: limit + _LOOKAHEAD_CHARS]
        if len(head) < len(code):
            newline = code.find("\n", len(head))
            head = code[: newline if newline >= 0 else len(code)]
        masked = self.mask(head, secret_lines, keep=limit)
        return masked if len(masked) <= limit and len(head) == len(code) else masked[:limit] + "…"


def _high_entropy(plugin: HighEntropyStringsPlugin, value: str) -> bool:
    return len(value) >= _EAGER_MIN_LENGTH and plugin.calculate_shannon_entropy(value) > plugin.entropy_limit


def _pattern_spans(pattern: re.Pattern[str], group: int, text: str) -> Iterable[tuple[int, int]]:
    for match in pattern.finditer(text):
        if group == 0:
            groups = [g for g in range(1, (pattern.groups or 0) + 1) if match.group(g) is not None]
            yield match.span(groups[0]) if groups else match.span(0)
        elif match.group(group) is not None:
            yield match.span(group)


def _line_spans(text: str, secret_lines: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    wanted = {n for first, last in secret_lines for n in range(max(first, 1), max(first, last) + 1)}
    if not wanted:
        return []
    spans, offset = [], 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if number in wanted:
            start, end = _value_span(line.rstrip("\r\n"))
            if end > start:
                spans.append((offset + start, offset + end))
        offset += len(line)
    return spans


def _value_span(line: str) -> tuple[int, int]:
    """What to hide on a line a secret rule flagged: the value after `=`/`:` when there is one, else the line.

    `API_KEY = "****"` keeps the excerpt readable; the rule's line is masked either way.
    """
    match = re.match(r"""^\s*[\w.\-\[\]'"]+\s*(?::=|=|:)\s*(?=\S)""", line)
    start = match.end() if match else len(line) - len(line.lstrip())
    return start, len(line.rstrip())


def _masked_length(end: int, spans: Iterable[tuple[int, int]]) -> int:
    """How long `text[:end]` is once the spans are masked (each span becomes the 4-character mask)."""
    length = end
    for start, stop in _merged([(a, min(b, end)) for a, b in spans if a < end]):
        length -= (stop - start) - len(MASK)
    return length


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
