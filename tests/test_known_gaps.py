"""Known gaps the new tests found, pinned as strict expected failures: each turns into a failure
(XPASS) the day it is fixed, so the marker is removed with the fix. Not a skip: it runs every time.
"""

from __future__ import annotations

import pytest

from proxy.config import Settings
from proxy.engine import SemgrepCoreEngine
from proxy.models import Decision
from proxy.policy import Policy
from proxy.rulepack import RulePack
from proxy.scan import Scanner


@pytest.mark.xfail(strict=True, reason="a shell block that does not parse hides `rm -rf /` from the rules: "
                                       "it is only tagged as a syntax error (found by the stream property test)")
async def test_destructive_command_in_an_unparsable_shell_block_still_blocks(repo_pack: RulePack) -> None:
    scanner = Scanner(SemgrepCoreEngine(repo_pack), Policy.from_settings(Settings()))
    result = await scanner.scan_text("```sh\nrm -rf /\n```sql\nDROP TABLE orders;\n```\n")
    assert result.decision is Decision.BLOCK
