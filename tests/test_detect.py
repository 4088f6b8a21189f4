"""Language detection and code-vs-prose on a labelled table of unfenced snippets.

Run as a script (`.venv/bin/python tests/test_detect.py`) to print the accuracy, the
confusion per language and the time per snippet.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from proxy.parse import detect_language, looks_like_code

DATA = Path(__file__).parent / "data" / "detection.yaml"
MIN_ACCURACY = 0.95


def load_cases() -> list[tuple[str, str]]:
    rows = yaml.safe_load(DATA.read_text())
    return [(row["lang"], row["code"]) for row in rows]


def evaluate() -> tuple[float, dict[str, Counter[str]], float]:
    """Accuracy of `looks_like_code` over the table, confusion (label -> predictions) and
    mean milliseconds per snippet."""
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    cases = load_cases()
    start = time.perf_counter()
    for label, code in cases:
        detection = looks_like_code(code)
        confusion[label][detection.language if detection else "none"] += 1
    elapsed_ms = (time.perf_counter() - start) * 1000 / len(cases)
    correct = sum(counts[label] for label, counts in confusion.items())
    return correct / len(cases), confusion, elapsed_ms


def report() -> str:
    accuracy, confusion, elapsed_ms = evaluate()
    total = sum(sum(counts.values()) for counts in confusion.values())
    lines = [f"detection accuracy {accuracy:.1%} over {total} snippets, {elapsed_ms:.2f} ms per snippet"]
    for label in sorted(confusion):
        counts = confusion[label]
        wrong = {k: v for k, v in counts.items() if k != label}
        lines.append(f"  {label:11s} {counts[label]}/{sum(counts.values())}"
                     + (f"  misread as {wrong}" if wrong else ""))
    return "\n".join(lines)


def test_table_is_big_and_varied() -> None:
    labels = Counter(label for label, _ in load_cases())
    assert sum(labels.values()) >= 90
    assert labels["none"] >= 10
    assert len([lang for lang in labels if lang != "none"]) >= 10
    assert all(count >= 5 for count in labels.values())


def test_accuracy(capsys: pytest.CaptureFixture[str]) -> None:
    accuracy, _, _ = evaluate()
    with capsys.disabled():
        print("\n" + report())
    assert accuracy >= MIN_ACCURACY


def test_prose_is_never_code() -> None:
    for label, code in load_cases():
        if label == "none":
            assert looks_like_code(code) is None, code


@pytest.mark.parametrize(
    "text",
    [
        "Sure, here you go.",
        "Let me know if you have any other questions!",
        "You can run the tests with pytest and check the coverage report afterwards.",
        "Here is the fixed version:\n\ndef add(a, b):\n    return a + b\n\nIt now handles None too.",
        "",
        "   \n\n",
    ],
)
def test_more_prose(text: str) -> None:
    assert looks_like_code(text) is None


def test_detect_language_reports_errors_and_confidence() -> None:
    detection = detect_language("package main\n\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n")
    assert detection is not None
    assert detection.language == "go"
    assert detection.error_count == 0
    assert detection.error_ratio == 0.0
    assert 0.5 <= detection.confidence <= 1.0


def test_detect_language_prefers_clean_parse_over_cues() -> None:
    # TypeScript-only syntax: JavaScript's grammar rejects the annotations.
    detection = detect_language("const n: number = 1;\nconsole.log(n);\n")
    assert detection is not None and detection.language == "typescript"
    # Plain JavaScript parses in both; the tie goes to JavaScript.
    detection = detect_language("const n = 1;\nconsole.log(n);\n")
    assert detection is not None and detection.language == "javascript"


def test_detect_language_empty() -> None:
    assert detect_language("") is None
    assert detect_language("\n  \n") is None
