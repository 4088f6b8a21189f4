"""The streaming guard: hold back only code while a reply streams, judge it, release it.

`fences` finds code blocks in text that arrives in pieces, `output` keeps the order of
what is written to the client while blocks are being judged, `text` holds and releases
one text channel, `tools` holds tool calls until they are whole, and `relay` runs one
streamed reply (upstream reader, client writer, disconnect watch).
"""
