"""An exact cache of engine results: the same snippet in the same language gets the same findings.

Semgrep is deterministic for a given rule pack, so an entry never goes stale while the pack
is loaded, and a cached answer is the answer the engine would give. Suggestions repeat more
than one might think (retries, `n > 1` choices, agents re-sending a tool call, the same
autocomplete), and each repeat then costs a hash instead of a scan. Keys are digests, so
the cache holds no code and its size is bounded by its entry count alone.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

from proxy.engine.base import ScanTarget
from proxy.models import RawFinding


class FindingsCache:
    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._found: OrderedDict[bytes, tuple[RawFinding, ...]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(target: ScanTarget) -> bytes:
        digest = hashlib.blake2b(target.code.encode("utf-8", "surrogatepass"), digest_size=20)
        digest.update(b"\0" + target.language.encode())
        return digest.digest()

    def get(self, target: ScanTarget) -> list[RawFinding] | None:
        key = self.key(target)
        found = self._found.get(key)
        if found is None:
            self.misses += 1
            return None
        self._found.move_to_end(key)
        self.hits += 1
        return list(found)

    def put(self, target: ScanTarget, findings: list[RawFinding]) -> None:
        if self.entries <= 0:
            return
        key = self.key(target)
        self._found[key] = tuple(findings)
        self._found.move_to_end(key)
        while len(self._found) > self.entries:
            self._found.popitem(last=False)

    def __len__(self) -> int:
        return len(self._found)
