"""A regression found by the stream property test: a shell block that does not parse (here a fence that
CommonMark runs on into the next) must not hide `rm -rf /`. The command model reads bash without
Semgrep, so the destructive command is found whatever follows it.
"""

from __future__ import annotations

from proxy.config import Settings
from proxy.engine import SemgrepCoreEngine
from proxy.models import Decision
from proxy.policy import Policy
from proxy.rulepack import RulePack
from proxy.scan import Scanner


async def test_destructive_command_in_an_unparsable_shell_block_still_blocks(repo_pack: RulePack) -> None:
    scanner = Scanner(SemgrepCoreEngine(repo_pack), Policy.from_settings(Settings()))
    result = await scanner.scan_text("```sh\nrm -rf /\n```sql\nDROP TABLE orders;\n```\n")
    assert result.decision is Decision.BLOCK
