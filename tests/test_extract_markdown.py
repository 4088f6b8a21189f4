"""Fenced code extraction: the edge cases LLM replies actually contain."""

from __future__ import annotations

import pytest

from proxy.extract import markdown
from proxy.models import Origin
from proxy.scan import snippets_from_text


def test_backtick_and_tilde_fences() -> None:
    text = "a\n```python\nx = 1\n```\nb\n~~~bash\nls\n~~~\n"
    fences = markdown.find_fences(text)
    assert [(f.info, f.code) for f in fences] == [("python", "x = 1\n"), ("bash", "ls\n")]
    assert all(f.closed for f in fences)
    assert text[fences[0].start:fences[0].end] == "```python\nx = 1\n```\n"


def test_info_string_with_extra_words_and_paths() -> None:
    assert markdown.fence_language('python title="app.py"') == "python"
    assert markdown.fence_language("{.js}") == "javascript"
    assert markdown.fence_language("ts:src/app.ts") == "typescript"
    assert markdown.fence_language("src/main.go") == "go"
    assert markdown.fence_language('title="deploy/main.tf"') == "terraform"
    assert markdown.fence_language("Dockerfile") == "dockerfile"
    assert markdown.fence_language("") is None


@pytest.mark.parametrize("alias,language", [
    ("py", "python"), ("python3", "python"), ("js", "javascript"), ("jsx", "javascript"), ("ts", "typescript"),
    ("tsx", "typescript"), ("sh", "bash"), ("shell", "bash"), ("zsh", "bash"), ("console", "bash"),
    ("yml", "yaml"), ("tf", "terraform"), ("hcl", "terraform"), ("golang", "go"), ("docker", "dockerfile"),
    ("postgresql", "sql"), ("SQL", "sql"),
])
def test_aliases(alias: str, language: str) -> None:
    assert markdown.fence_language(alias) == language


def test_longer_fence_contains_shorter_one() -> None:
    text = "````markdown\n```python\nx = 1\n```\n````\n"
    fences = markdown.find_fences(text)
    assert len(fences) == 1
    assert fences[0].code == "```python\nx = 1\n```\n"


def test_closing_fence_must_be_at_least_as_long() -> None:
    fences = markdown.find_fences("````sh\nls\n```\nstill code\n````\n")
    assert fences[0].code == "ls\n```\nstill code\n"


def test_fence_indented_inside_a_list() -> None:
    text = "1. Run:\n\n   ```bash\n   rm -rf /tmp/x\n     echo indented\n   ```\n2. Done\n"
    (fence,) = markdown.find_fences(text)
    assert fence.code == "rm -rf /tmp/x\n  echo indented\n"
    assert fence.closed


def test_unterminated_last_fence_runs_to_the_end() -> None:
    (fence,) = markdown.find_fences("Here:\n```sql\nDROP TABLE orders;\n")
    assert fence.code == "DROP TABLE orders;\n"
    assert not fence.closed


def test_backtick_fence_info_cannot_contain_backticks() -> None:
    assert markdown.find_fences("``` `inline` ```\n") == []


def test_crlf_text() -> None:
    (fence,) = markdown.find_fences("x\r\n```py\r\nx = 1\r\n```\r\n")
    assert fence.code == "x = 1\n"  # what the renderer shows: line ends as \n
    assert fence.closed


def test_shell_session_strips_prompts_keeps_line_numbers() -> None:
    text = "```console\n$ ls\nfile\n$ rm -rf /\n> echo more\n```\n"
    (snippet,) = snippets_from_text(text)
    assert snippet.language == "bash"
    assert snippet.code.splitlines() == ["ls", "", "rm -rf /", "echo more"]


def test_unlabelled_session_block_is_bash() -> None:
    (snippet,) = snippets_from_text("```\n$ git push --force\nEverything up-to-date\n```\n")
    assert snippet.language == "bash"
    assert snippet.code.splitlines() == ["git push --force", ""]


def test_snippets_carry_offsets_index_and_origin() -> None:
    text = "p\n```python\na = 1\n```\nq\n```js\nb()\n```\n"
    snippets = snippets_from_text(text)
    assert [s.index for s in snippets] == [0, 1]
    assert all(s.origin is Origin.MARKDOWN for s in snippets)
    assert text[snippets[1].start:snippets[1].end] == "```js\nb()\n```\n"


def test_prose_only_reply_has_no_snippets() -> None:
    text = "Sure! To fix this, raise the timeout in your client and retry with exponential backoff."
    assert snippets_from_text(text) == []


# ---------------------------------------------------------------- CommonMark readings (issue 10, item 4)

COMMONMARK_CASES = {
    "crlf": ("Run:\r\n\r\n```bash\r\nrm -rf /*\r\n```\r\nDone.\r\n", "```bash\r\nrm -rf /*\r\n```\r\n"),
    "cr": ("Run:\r```bash\rrm -rf /*\r```\rDone.", "```bash\rrm -rf /*\r```\r"),
    "blockquote": ("Quote:\n\n> ```bash\n> rm -rf /*\n> ```\n\nDone.\n", "> ```bash\n> rm -rf /*\n> ```\n"),
    "list item": ("1. Run:\n   ```bash\n   rm -rf /*\n   ```\n2. Done.\n", "   ```bash\n   rm -rf /*\n   ```\n"),
    "line separator": ("echo hi\u2028```bash\nrm -rf /*\n```\nDone.\n", "```bash\nrm -rf /*\n```\n"),
    "tilde": ("Run:\n~~~sh\nrm -rf /*\n~~~\nDone.\n", "~~~sh\nrm -rf /*\n~~~\n"),
    "tab indent": ("Run:\n\n\trm -rf /*\n\nDone.\n", "\trm -rf /*\n"),
    "indented code": ("Run:\n\n    rm -rf /*\n\nDone.\n", "    rm -rf /*\n"),
}


@pytest.mark.parametrize("name", sorted(COMMONMARK_CASES))
def test_commonmark_code_blocks_are_found_with_their_source_span(name: str) -> None:
    text, span = COMMONMARK_CASES[name]
    fences = [f for f in markdown.find_fences(text) if "rm -rf /*" in f.code]
    assert fences, name
    assert any(text[f.start:f.end] == span for f in fences), [(text[f.start:f.end]) for f in fences]


def test_a_closer_indented_four_columns_does_not_close() -> None:
    (fence,) = markdown.find_fences("```bash\nls\n    ```\nrm -rf /*\n```\nafter\n")
    assert fence.code == "ls\n    ```\nrm -rf /*\n" and fence.closed


def test_an_unclosed_fence_runs_to_the_end_of_its_container() -> None:
    (quoted,) = markdown.find_fences("> ```bash\n> rm -rf /*\nprose\n")
    assert quoted.code == "rm -rf /*\n" and not quoted.closed
    (last,) = markdown.find_fences("text\n~~~\nrm -rf /*")
    assert last.code == "rm -rf /*" and not last.closed and last.end == len("text\n~~~\nrm -rf /*")


def test_nel_and_paragraph_separator_are_read_both_ways() -> None:
    for separator in ("\u2029", "\x85"):
        text = f"echo hi{separator}```bash\nrm -rf /*\n```\n"
        assert any(f.code == "rm -rf /*\n" for f in markdown.find_fences(text))
    # and as CommonMark: a separator inside a fence does not end a line there
    text = "```bash\nfoo\u2028```\nrm -rf /*\n```\n"
    assert any("rm -rf /*" in f.code for f in markdown.find_fences(text))


def test_four_space_indented_lines_after_a_paragraph_are_not_code() -> None:
    assert markdown.find_fences("A paragraph\n    continues here\n") == []


@pytest.mark.parametrize("name", sorted(set(COMMONMARK_CASES) - {"indented code", "tab indent"}))
def test_a_block_note_replaces_exactly_the_block(name: str) -> None:  # (no fence: the reply may be bare code)
    from proxy.models import Decision, ScanResult, SnippetResult
    from proxy.render import BLOCK_MARKER, rewrite_text

    text, span = COMMONMARK_CASES[name]
    snippets = snippets_from_text(text)
    results = [SnippetResult(s, s.language, 0, decision=Decision.BLOCK) for s in snippets if "rm -rf" in s.code]
    out = rewrite_text(text, ScanResult(results), fail_closed=True)
    assert BLOCK_MARKER in out and "rm -rf /*" not in out
    before, _, after = text.partition(span)
    assert out.startswith(before) and out.endswith(after)


def test_bare_code_with_indentation_is_scanned_whole_not_as_indented_blocks() -> None:
    code = "import os\n\ndef clean():\n\n    os.system('rm -rf /')\n    return 1\n"
    (snippet,) = snippets_from_text(code)
    assert snippet.origin is Origin.RAW and snippet.language == "python" and snippet.code == code


def test_prose_with_an_indented_code_block_scans_the_block() -> None:
    text = "The steps are these, in order, as the guide says.\n\n    rm -rf /*\n\nThat is all for today.\n"
    snippets = snippets_from_text(text)
    assert any("rm -rf /*" in s.code for s in snippets)


DIFF = ("--- a/app/client.py\n+++ b/app/client.py\n@@ -1,2 +1,2 @@\n import requests\n"
        "-resp = requests.get(url, timeout=5)\n+resp = requests.get(url)\n")


def test_an_unlabelled_fence_holding_a_unified_diff_is_read_as_the_new_side() -> None:
    """No language on the fence, a unified diff inside: the file's new side is what gets judged
    (mutation testing: reading diffs only in fences that DO name a language survived)."""
    (snippet,) = snippets_from_text(f"Change:\n\n```\n{DIFF}```\n")
    assert snippet.origin is Origin.DIFF and snippet.path == "app/client.py"
    assert snippet.code == "import requests\nresp = requests.get(url)\n"


def test_a_fence_that_names_its_language_is_read_as_that_language_even_if_it_looks_like_a_diff() -> None:
    (snippet,) = snippets_from_text(f"Change:\n\n```python\n{DIFF}```\n")
    assert snippet.origin is Origin.MARKDOWN and snippet.language == "python" and snippet.code == DIFF


def test_spans_that_only_touch_do_not_overlap() -> None:
    """A fence ending exactly where a patch's span starts (or the other way round) is its own snippet."""
    from proxy.scan import _overlaps

    assert not _overlaps(0, 10, [(10, 20)]) and not _overlaps(20, 30, [(10, 20)])
    assert _overlaps(0, 11, [(10, 20)]) and _overlaps(19, 30, [(10, 20)]) and _overlaps(12, 15, [(10, 20)])
