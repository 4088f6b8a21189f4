"""Prometheus metrics with the CONTRACT.md names (prefix `breakwater_`).

Each app owns a `Metrics` with its own registry, so tests and several apps in one process
never share counters.
"""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST as PROMETHEUS_CONTENT_TYPE
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess

from proxy.engine.flight import SharedScans
from proxy.engine.pool import FastEngine
from proxy.models import ScanResult
from proxy.scan import ScanStats

__all__ = ["PROMETHEUS_CONTENT_TYPE", "Metrics"]

_SCAN_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_WAIT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0)
_UPSTREAM_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.requests = Counter("breakwater_requests", "Requests handled", ["endpoint", "status"], registry=r)
        self.suggestions = Counter(
            "breakwater_suggestions_scanned", "Code snippets scanned", ["language", "origin"], registry=r
        )
        self.findings = Counter(
            "breakwater_findings", "Findings by category", ["category", "severity", "action"], registry=r
        )
        self.decisions = Counter("breakwater_decisions", "Decisions per reply", ["decision"], registry=r)
        self.scan_seconds = Histogram("breakwater_scan_seconds", "Time to scan one reply", registry=r,
                                      buckets=_SCAN_BUCKETS)
        self.upstream_seconds = Histogram("breakwater_upstream_seconds", "Upstream response time", registry=r,
                                          buckets=_UPSTREAM_BUCKETS)
        self.engine_errors = Counter("breakwater_engine_errors", "Engine failures", ["kind"], registry=r)
        self.repairs = Counter("breakwater_repairs", "Repair loop outcomes", ["outcome"], registry=r)
        self.repair_seconds = Histogram("breakwater_repair_seconds", "Time spent on one repair (all attempts)",
                                        registry=r, buckets=_UPSTREAM_BUCKETS)
        self.repair_tokens = Counter("breakwater_repair_tokens", "Upstream tokens spent on repairs (from `usage`)",
                                     ["direction"], registry=r)
        self.engine_queue_depth = Gauge("breakwater_engine_queue_depth", "Snippets waiting for an engine server",
                                        registry=r, multiprocess_mode="livesum")
        self.engine_wait_seconds = Histogram("breakwater_engine_wait_seconds",
                                             "Time a snippet waited for an engine server", registry=r,
                                             buckets=_WAIT_BUCKETS)
        self.scans_shared = Counter("breakwater_scans_shared", "Snippets answered by a scan already in flight",
                                    registry=r)

    def watch_engine(self, engine: FastEngine, shared: SharedScans) -> None:
        """Queue depth, wait times, recovered faults and shared scans of the fast engine."""
        engine.on_recovered_fault = lambda kind: self.engine_errors.labels(kind=kind).inc()
        engine.on_wait = self.engine_wait_seconds.observe
        engine.on_queue_depth = self.engine_queue_depth.set  # set(), not set_function(): multiprocess mode
        shared.on_shared = self.scans_shared.inc

    def observe_scan_stats(self, stats: ScanStats) -> None:
        self.scan_seconds.observe(stats.seconds)
        if stats.engine_error:
            self.engine_errors.labels(kind=stats.engine_error).inc()

    def observe_result(self, result: ScanResult) -> None:
        """Count one reply's snippets, findings and decision (enforce and shadow alike)."""
        for snippet in result.snippets:
            self.suggestions.labels(language=snippet.language or "unknown", origin=snippet.snippet.origin.value).inc()
            for f in snippet.findings:
                self.findings.labels(category=f.category, severity=f.severity.value, action=f.action.value).inc()
        self.decisions.labels(decision=result.decision.value).inc()

    def render(self) -> bytes:
        """This process's counters; with several workers (PROMETHEUS_MULTIPROC_DIR set), all workers' summed."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            merged = CollectorRegistry()
            multiprocess.MultiProcessCollector(merged)
            return generate_latest(merged)
        return generate_latest(self.registry)
