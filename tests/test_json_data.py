"""JSON in a reply is data (issue 19): a ```json fence or a bare JSON document is language `json`, never a
syntax error of a programming language, and the feature-flag rules judge it (a flag on for everyone or
rolled out to 100% in one step is tagged; a staged rollout is not).
"""

from __future__ import annotations

import pytest

from proxy.config import Settings
from proxy.engine import SemgrepCoreEngine
from proxy.models import Decision
from proxy.parse import detect_language
from proxy.policy import Policy
from proxy.rulepack import RulePack
from proxy.scan import Scanner

FLAG_ON_FOR_ALL = '{"flags": {"new-checkout": {"state": "ENABLED", "variants": {"on": true, "off": false}, ' \
                  '"defaultVariant": "on"}}}'
FLAG_STAGED = '{"flags": {"new-checkout": {"state": "ENABLED", "variants": {"on": true, "off": false}, ' \
              '"defaultVariant": "off", "targeting": {"fractional": [["on", 5], ["off", 95]]}}}}'


@pytest.mark.parametrize("code", ['{"a": 1}', '[{"id": 1}, {"id": 2}]', '\n  {\n  "nested": {"x": [true, null]}\n}\n'])
def test_a_json_document_is_detected_as_json(code: str) -> None:
    detection = detect_language(code)
    assert detection is not None and detection.language == "json"


@pytest.mark.parametrize("code", ['x = {"a": 1}', '{"a": 1} if ok else {}', '{\n  "a": 1,\n'])
def test_code_or_broken_json_is_not_taken_for_json(code: str) -> None:
    detection = detect_language(code)
    assert detection is None or detection.language != "json"


@pytest.fixture
def scanner(repo_pack: RulePack) -> Scanner:
    return Scanner(SemgrepCoreEngine(repo_pack), Policy.from_settings(Settings()))


@pytest.mark.parametrize("fence", ["json", "jsonc", ""])
async def test_a_flag_on_for_everyone_is_tagged_in_any_json_fence(scanner: Scanner, fence: str) -> None:
    result = await scanner.scan_text(f"Turn it on:\n\n```{fence}\n{FLAG_ON_FOR_ALL}\n```\n")
    (snippet,) = result.snippets
    assert snippet.language == "json"
    assert snippet.decision is Decision.TAG
    assert [f.rule_id for f in snippet.findings] == ["json.flag-on-for-everyone"]


async def test_a_staged_flag_is_allowed(scanner: Scanner) -> None:
    result = await scanner.scan_text(f"Ramp it up:\n\n```json\n{FLAG_STAGED}\n```\n")
    assert result.decision is Decision.ALLOW


async def test_truncated_json_is_data_not_a_syntax_error(scanner: Scanner) -> None:
    result = await scanner.scan_text('Part of the payload:\n\n```json\n{"items": [1, 2,\n  "next": \n```\n')
    (snippet,) = result.snippets
    # A label is a claim: what does not parse as JSON is detected as code (proxy.parse.data_formats),
    # but a fence the reply called data never gets a syntax error.
    assert snippet.findings == []
    assert result.decision is Decision.ALLOW
