"""One module per wire format: each knows its API's JSON and SSE shapes, and nothing else does."""
