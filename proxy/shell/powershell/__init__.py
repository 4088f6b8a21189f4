"""PowerShell analysed at the argv level (tree-sitter-powershell), judged by typed rules (issue 19).

- `analyze`: script → `PsAnalysis` (commands with cmdlet and aliases resolved, parameters
  bound by prefix, pipelines connected, variables and splats substituted, nested code followed).
- `rules`: typed PowerShell rules, each with fixtures; native programs get the shell rules.
- `judge` / `snippets`: script or scan-path snippet → findings.
"""
