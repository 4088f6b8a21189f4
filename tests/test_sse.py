"""The SSE decoder: any split of the bytes gives the same events, and raw bytes are kept."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from proxy import sse
from tests.support.streams import rechunk

BODY = (b": keep-alive\n\nevent: content_block_delta\r\ndata: {\"t\": \"caf\xc3\xa9 \xe2\x9c\x93\"}\r\n\r\n"
        b"data: line one\ndata: line two\n\nid: 7\nretry: 10\n\n: c\rdata: [DONE]\r\r")


def decode(chunks: list[bytes]) -> list[sse.Event]:
    decoder = sse.Decoder()
    events = [event for chunk in chunks for event in decoder.feed(chunk)]
    return events + decoder.finish()


def test_fields_comments_and_line_breaks() -> None:
    events = decode([BODY])
    assert events[0].is_comment and events[0].comments == (" keep-alive",)
    data = [e for e in events if e.data is not None]
    assert data[0].event == "content_block_delta" and data[0].data == '{"t": "café ✓"}'
    assert data[1].data == "line one\nline two"
    assert data[2].data == "[DONE]"
    assert b"".join(e.raw for e in events) == BODY


def test_missing_final_blank_line_still_delivers_the_event() -> None:
    events = decode([b"data: {}\n\ndata: [DONE]"])
    assert [e.data for e in events] == ["{}", "[DONE]"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, len(BODY)), max_size=12))
def test_any_split_gives_the_same_events(cuts: list[int]) -> None:
    assert decode(rechunk(BODY, cuts)) == decode([BODY])


def test_encode_keeps_event_lines_and_newlines() -> None:
    assert sse.encode('{"a":1}', "ping", b"\r\n") == b'event: ping\r\ndata: {"a":1}\r\n\r\n'
    assert sse.encode("[DONE]") == b"data: [DONE]\n\n"
