"""Shell commands analysed at the argv level (tree-sitter-bash), judged by typed rules.

- `analyze` (proxy.shell.analyze): script → `Analysis` (simple commands with resolved argv,
  wrappers peeled, working directory, standard input; inline code in other languages).
- `rules` (proxy.shell.rules): typed rules by family, each with fixtures.
- `judge` (proxy.shell.judge): script → findings + inline code for the Semgrep pack.
"""

from proxy.shell.analyze import analyze
from proxy.shell.judge import UNPARSED_RULE_ID, Verdict, judge
from proxy.shell.model import Analysis, Command, Inline, Stdin, Word
from proxy.shell.rules import AGENT_BLOCKING, RULES, CommandRule, ScriptRule, ShellRule

__all__ = ["AGENT_BLOCKING", "RULES", "UNPARSED_RULE_ID", "Analysis", "Command", "CommandRule", "Inline",
           "ScriptRule", "ShellRule", "Stdin", "Verdict", "Word", "analyze", "judge"]
