"""The incremental fence machine finds exactly the blocks `markdown.find_fences` finds, for any split."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from proxy.extract.markdown import find_fences
from proxy.stream.fences import Close, Code, FenceMachine, Open, Prose

ATOMS = ["`", "```", "````", "~~~", "~", " ", "  ", "\t", "\n", "\r", "\r\n", "\u2028", "py", "python x.py",
         "text", "é", "$ ls", "{.js}"]


def run(text: str, cuts: list[int]) -> tuple[str, list[tuple[int, int, bool, str]]]:
    machine = FenceMachine()
    segments = []
    previous = 0
    for cut in [*sorted(cuts), len(text)]:
        segments += machine.feed(text[previous:cut])
        previous = cut
    segments += machine.finish()
    out, blocks, current = "", [], None
    for segment in segments:
        if isinstance(segment, Prose):
            assert current is None
            out += segment.text
        elif isinstance(segment, Open):
            current = (len(out), segment.info)
        elif isinstance(segment, Code):
            assert current is not None
            out += segment.text
        elif isinstance(segment, Close):
            assert current is not None
            blocks.append((current[0], len(out), segment.closed, current[1]))
            current = None
    return out, blocks


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(ATOMS), max_size=30).map("".join).flatmap(
    lambda text: st.tuples(st.just(text), st.lists(st.integers(0, len(text)), max_size=8))))
def test_same_blocks_as_find_fences(case: tuple[str, list[int]]) -> None:
    text, cuts = case
    out, blocks = run(text, cuts)
    assert out == text
    assert blocks == [(f.start, f.end, f.closed, f.info) for f in find_fences(text)]


def test_prose_goes_out_before_the_line_ends() -> None:
    machine = FenceMachine()
    assert machine.feed("Hello wor") == [Prose("Hello wor")]
    assert machine.feed("ld\n``") == [Prose("ld\n")]  # `` could still open a fence
    assert machine.feed("`py\nx = 1\n") == [Open("py"), Code("```py\nx = 1\n")]
    assert machine.feed("```\nafter") == [Code("```\n"), Close(True), Prose("after")]
