"""Finding code in LLM output: markdown fences, raw code, and (later) tool calls and diffs."""
