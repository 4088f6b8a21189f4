"""Agent hooks: Breakwater judging tool calls inside the agent (Claude Code, Cursor, Gemini CLI, Codex, Copilot CLI)."""
