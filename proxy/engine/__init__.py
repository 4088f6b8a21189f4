"""The Semgrep engine behind one small interface: `await engine.scan(targets)`."""

from proxy.engine.base import Engine, EngineError, ScanTarget
from proxy.engine.core import SemgrepCoreEngine

__all__ = ["Engine", "EngineError", "ScanTarget", "SemgrepCoreEngine"]
