"""The streaming code-block machine agrees with the CommonMark parser (markdown-it-py) for any split.

Oracle: `markdown.find_fences` on the whole text, which is markdown-it-py's reading. For
random documents (CRLF, CR, blockquotes, list items, tabs, U+2028/U+2029/NEL, ~~~, indented
and unclosed fences, closing fences indented 4 columns, indented code blocks) cut at random
points, every block the parser finds lies inside one held region, and judging that region
the way the stream does (parsed after its context) yields the same blocks, with the same
code, info and span: the stream scans the same lines as the non-streamed reply.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from proxy.extract.markdown import Fence, find_fences
from proxy.stream.fences import Close, Code, FenceMachine, Open, Prose

ATOMS = ["`", "```", "````", "~~~", "~", " ", "  ", "\t", "\n", "\r", "\r\n", "\u2028", "py", "python x.py",
         "text", "é", "$ ls", "{.js}"]
PREFIXES = ["", "", "", "> ", ">", "> > ", "- ", "1. ", "   ", "    ", "\t", "  - ", "> - ", "      "]
BODIES = ["```bash", "```", "````", "~~~", "~~~sh", "    ```", "  ```", "rm -rf /", "text here", "", "```py x",
          "* item", "2) step", "<pre>", "---", "# title"]
ENDS = ["\n", "\n", "\n", "\r\n", "\r", "\u2028", "\u2029", "\x85"]


@dataclass
class Region:
    start: int
    end: int
    context: str
    closed: bool


def run(text: str, cuts: list[int], max_context: int | None = None) -> tuple[str, list[Region]]:
    machine = FenceMachine() if max_context is None else FenceMachine(max_context)
    segments = []
    previous = 0
    for cut in [*sorted(cuts), len(text)]:
        segments += machine.feed(text[previous:cut])
        previous = cut
    segments += machine.finish()
    out, regions, start = "", [], None
    for segment in segments:
        if isinstance(segment, Prose):
            assert start is None
            out += segment.text
        elif isinstance(segment, Open):
            assert start is None
            start = len(out)
        elif isinstance(segment, Code):
            assert start is not None
            out += segment.text
        elif isinstance(segment, Close):
            assert start is not None
            regions.append(Region(start, len(out), segment.context, segment.closed))
            start = None
    assert start is None
    return out, regions


def judged(text: str, region: Region) -> list[Fence]:
    """The blocks the stream's judge scans for a region, placed back in the whole text."""
    raw = text[region.start:region.end]
    whole = region.context + raw
    shift = region.start - len(region.context)
    return [Fence(f.info, f.code, f.start + shift, f.end + shift, f.closed, f.marker, f.level)
            for f in find_fences(whole) if f.end > len(region.context)]


def check_agreement(text: str, cuts: list[int], max_context: int | None = None) -> None:
    out, regions = run(text, cuts, max_context)
    assert out == text
    expected = find_fences(text)
    for fence in expected:  # every block is held whole, in one region
        assert any(r.start <= fence.start and fence.end <= r.end for r in regions), (fence, regions)
    for region in regions:  # and judged as the whole text reads it
        assert text[region.start - len(region.context):region.start] == region.context
        inside = [f for f in expected if region.start <= f.start and f.end <= region.end]
        assert judged(text, region) == inside, (region, text)


def documents() -> st.SearchStrategy[str]:
    line = st.tuples(st.sampled_from(PREFIXES), st.sampled_from(PREFIXES), st.sampled_from(BODIES),
                     st.sampled_from(ENDS)).map("".join)
    return st.lists(line, max_size=14).map("".join)


def with_cuts(text: str) -> st.SearchStrategy[tuple[str, list[int]]]:
    return st.tuples(st.just(text), st.lists(st.integers(0, len(text)), max_size=8))


@settings(max_examples=1200, deadline=None)
@given(documents().flatmap(with_cuts))
def test_stream_holds_and_judges_what_the_parser_calls_code(case: tuple[str, list[int]]) -> None:
    check_agreement(*case)


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(ATOMS), max_size=30).map("".join).flatmap(with_cuts))
def test_agreement_on_character_soup(case: tuple[str, list[int]]) -> None:
    check_agreement(*case)


@settings(max_examples=300, deadline=None)
@given(documents().flatmap(with_cuts))
def test_agreement_past_the_context_bound(case: tuple[str, list[int]]) -> None:
    check_agreement(*case, max_context=40)  # a tiny bound: the rest is held as one region


REPRODUCTIONS = [
    "Run:\r\n\r\n```bash\r\nrm -rf /*\r\n```\r\n",
    "Quote:\n\n> ```bash\n> rm -rf /*\n> ```\n\nafter\n",
    "1. Step:\n   ```bash\n   rm -rf /*\n   ```\n2. Next\n",
    "echo hi\u2028```bash\nrm -rf /*\n```\n",
    "```bash\nls\n    ```\nrm -rf /*\n```\n",  # a closer indented 4 columns does not close
    "text\n\n    rm -rf /*\n\nmore\n",  # an indented code block
    "~~~\nrm -rf /*\n",  # unclosed: runs to the end
    "- a\n\n  > ```sh\n  > rm -rf /*\n",
    "\t```bash\n\trm -rf /*\n",
]


def test_reproductions_agree_for_every_split() -> None:
    for text in REPRODUCTIONS:
        assert any("rm -rf /*" in fence.code for fence in find_fences(text)), text
        for cut in range(len(text) + 1):
            check_agreement(text, [cut])


def test_prose_goes_out_before_the_line_ends() -> None:
    machine = FenceMachine()
    assert machine.feed("Hello wor") == [Prose("Hello wor")]
    assert machine.feed("ld\n``") == [Prose("ld\n")]  # `` could still open a fence
    assert machine.feed("`py\nx = 1\n") == [Open("py"), Code("```py\nx = 1\n")]
    assert machine.feed("```\nafter") == [Code("```\n"), Close(True, "Hello world\n"), Prose("after")]


def test_a_block_in_a_list_item_is_judged_in_its_list() -> None:
    text = "1. Run:\n\n       ```bash\n       rm -rf /*\n       ```\n"  # 4 columns past the item: indented code
    _, (region,) = run(text, [])
    assert region.context == "1. Run:\n\n"
    (fence,) = judged(text, region)
    assert fence.code == "```bash\nrm -rf /*\n```\n" and fence.marker == ""


def test_parsing_stays_linear_on_text_without_restart_points() -> None:
    """One long blockquote full of fences has no restart point: the parse budget, not time, bounds the work."""
    text = "".join(f"> Step {i}:\n> ```bash\n> echo {i}\n> ```\n>\n" for i in range(3000))
    machine = FenceMachine()
    for start in range(0, len(text), 50):
        machine.feed(text[start:start + 50])
    machine.finish()
    assert machine._parsed <= 32 * len(text) + 256 * 1024
    check_agreement(text[:4000], [1000, 2000])
