"""The deployment files in docs/team are valid: the Kubernetes manifest's config loads, probes and PDB exist."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from proxy.config import load_settings

DOCS = Path(__file__).resolve().parent.parent / "docs" / "team"


def test_kubernetes_manifest_is_complete_and_its_config_loads(tmp_path: Path) -> None:
    documents = [d for d in yaml.safe_load_all((DOCS / "kubernetes.yaml").read_text()) if d]
    kinds = {d["kind"]: d for d in documents}
    assert {"Secret", "ConfigMap", "Deployment", "PodDisruptionBudget", "Service", "StatefulSet"} <= set(kinds)
    config = tmp_path / "breakwater.yaml"
    config.write_text(kinds["ConfigMap"]["data"]["breakwater.yaml"])
    settings = load_settings(config)
    assert settings.team.store.url_env in kinds["Secret"]["stringData"]
    assert settings.team.pepper_env in kinds["Secret"]["stringData"]
    container = kinds["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert kinds["Deployment"]["spec"]["replicas"] > kinds["PodDisruptionBudget"]["spec"]["minAvailable"]


def test_grafana_dashboard_has_per_replica_panels() -> None:
    dashboard = json.loads((DOCS / "grafana-dashboard.json").read_text())
    per_pod = [p for p in dashboard["panels"] if any("by (pod" in t["expr"] for t in p.get("targets", []))]
    assert len(per_pod) >= 3
