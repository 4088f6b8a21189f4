"""Finding code in LLM output.

`markdown` (fenced blocks), `patches` (unified diffs, `*** Begin Patch`, SEARCH/REPLACE),
`shell` (scripts nested in shell commands), `tools` (tool-call arguments of any agent),
`js_tools` (Codex code-mode programs), `xml_tools` (Cline/Roo tool tags in text).
"""
