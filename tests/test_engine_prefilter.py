"""The in-process prefilter's own pieces: lookaround stripping and regex-derived rule filters.

Exactness over the real rule pack is proven by tests/test_engine_differential.py; these pin
the parts that make bash, SQL and Dockerfile rules prefilterable at all.
"""

from __future__ import annotations

import re

import pytest

from proxy.engine.prefilter import _always, compile_regex, compile_rule_patterns, strip_lookarounds


@pytest.mark.parametrize(("pattern", "stripped"), [
    (r"a(?!b)c", "ac"),
    (r"(?<![\w-])rm\s", r"rm\s"),
    (r"x(?=(?:y|z))w", "xw"),
    (r"[(?!]q", r"[(?!]q"),  # inside a class: literal characters, not a group
    (r"\(?!x\)", r"\(?!x\)"),  # escaped parentheses are literal
    (r"[]a(?=]b", r"[]a(?=]b"),  # a leading ] is part of the class
])
def test_strip_lookarounds(pattern: str, stripped: str) -> None:
    assert strip_lookarounds(pattern) == stripped


@pytest.mark.parametrize("text", ["drop table x", "-- drop table x", "DROP TABLE users;", "select 1"])
def test_stripped_regex_never_rejects_what_the_original_accepts(text: str) -> None:
    pattern = r"(?im)^[ \t]*(?:(?!--)[^\n;])*?\bdrop\s+(?:table|database)\b"
    if re.search(pattern, text):
        assert compile_regex(pattern)(text)


def test_rule_patterns_give_a_predicate_only_when_every_branch_has_one() -> None:
    regex_only = {"pattern-either": [{"pattern-regex": "foo"}, {"pattern-regex": "bar"}]}
    predicate = compile_rule_patterns(regex_only)
    assert predicate("xx bar") and not predicate("baz")
    mixed = {"pattern-either": [{"pattern-regex": "foo"}, {"pattern": "bar($X)"}]}
    assert compile_rule_patterns(mixed) is _always
    conjunction = {"patterns": [{"pattern": "f($X)"}, {"pattern-regex": "needle"}, {"pattern-not-regex": "x"}]}
    predicate = compile_rule_patterns(conjunction)
    assert predicate("a needle") and not predicate("f(1)")
