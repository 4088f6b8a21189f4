"""Kubernetes and Helm: deleting namespaces, everything of a kind, volumes, production workloads, releases."""

from __future__ import annotations

from proxy.models import Category, Severity
from proxy.shell.model import Command
from proxy.shell.rules.base import CommandRule, is_production, parse, previews

DESTRUCTIVE = Category.DESTRUCTIVE_OPERATION
_KUBECTL_VALUES = ("-n", "--namespace", "--context", "--cluster", "--kubeconfig", "-l", "--selector", "-f",
                   "--filename", "-o", "--output", "--grace-period", "--timeout", "--field-selector", "--user",
                   "-s", "--server", "--cascade", "-k", "--kustomize", "--token", "--as")
_BROAD_KINDS = frozenset({
    "ns", "namespace", "namespaces", "all", "pv", "pvs", "persistentvolume", "persistentvolumes", "pvc", "pvcs",
    "persistentvolumeclaim", "persistentvolumeclaims", "crd", "crds", "customresourcedefinition",
    "customresourcedefinitions", "node", "nodes", "no", "statefulset", "statefulsets", "sts", "secret",
    "secrets", "clusterrole", "clusterrolebinding", "storageclass", "sc", "project", "projects",
})


def _kubectl_delete(command: Command) -> list[str] | None:
    """The operands of `kubectl delete` (kinds and names), or None when it is not a delete."""
    if command.name not in ("kubectl", "oc", "k3s", "microk8s") or previews(command):
        return None
    opts = parse(command, _KUBECTL_VALUES)
    operands = list(opts.operands)
    if operands[:1] == ["kubectl"]:  # `k3s kubectl …`, `microk8s kubectl …`
        operands = operands[1:]
    if not operands or operands[0] != "delete":
        return None
    return operands[1:]


def kubectl_delete_broad(command: Command) -> bool:
    operands = _kubectl_delete(command)
    if operands is None:
        return False
    opts = parse(command, _KUBECTL_VALUES)
    if opts.has("A", "all", "all-namespaces"):
        return True
    kinds = {part for operand in operands for part in operand.lower().split("/", 1)[0].split(",")}
    # `kubectl get ns -o name | … | xargs kubectl delete`: objects from a listing, deleted in bulk.
    return bool(kinds & _BROAD_KINDS) or bool(operands[:1] == ["<stdin>"] and "xargs" in command.via)


def kubectl_delete_production(command: Command) -> bool:
    operands = _kubectl_delete(command)
    if operands is None:
        return False
    opts = parse(command, _KUBECTL_VALUES)
    places = [opts.value("-n", "--namespace") or "", opts.value("--context") or "",
              opts.value("-f", "--filename") or "", *operands[1:]]
    return any(is_production(place) for place in places)


def kubectl_scale_to_zero(command: Command) -> bool:
    """`kubectl scale … --replicas=0` over every workload or in production: an outage, not a delete."""
    if command.name not in ("kubectl", "oc") or previews(command):
        return False
    opts = parse(command, (*_KUBECTL_VALUES, "--replicas"))
    if opts.operands[:1] != ("scale",) or (opts.value("--replicas") or "").strip() != "0":
        return False
    places = [opts.value("-n", "--namespace") or "", opts.value("--context") or "", *opts.operands[1:]]
    return opts.has("A", "all", "all-namespaces") or any(is_production(place) for place in places)


def helm_uninstall(command: Command) -> bool:
    if command.name != "helm" or previews(command):
        return False
    operands = parse(command, ("-n", "--namespace", "--kube-context", "--timeout", "--cascade")).operands
    return bool(operands) and operands[0] in ("uninstall", "delete", "del", "un")


RULES = (
    CommandRule(
        "bash.kubectl-delete-broad", DESTRUCTIVE, Severity.CRITICAL,
        "This kubectl delete removes a whole namespace, every object of a kind (all, --all), objects across all "
        "namespaces, persistent volumes or cluster-wide objects, taking down workloads and their data at once. "
        "Delete the specific named resources, check the context (kubectl config current-context), and try "
        "--dry-run=server first.",
        kubectl_delete_broad,
        ("kubectl delete namespace staging", "kubectl delete ns prod", "kubectl delete pods --all -n team",
         "kubectl delete all --all", "kubectl delete pvc data-postgres-0", "kubectl -n x delete deploy -A --all",
         "oc delete project acme", "kubectl delete namespace/prod",
         "kubectl get ns -o name | grep prod | xargs kubectl delete"),
        ("kubectl get namespaces", "kubectl delete pod web-7d9f -n dev", "kubectl delete ns staging --dry-run=client",
         "kubectl delete namespace tmp --dry-run=server", "kubectl apply -f deploy.yaml"),
        ("https://kubernetes.io/docs/reference/kubectl/generated/kubectl_delete/",),
    ),
    CommandRule(
        "bash.kubectl-delete-production", DESTRUCTIVE, Severity.HIGH,
        "This kubectl delete acts on a production namespace, context or resource. Change production through the "
        "reviewed deployment pipeline, not an ad-hoc delete.",
        kubectl_delete_production,
        ("kubectl delete deployment api -n production", "kubectl --context prod-eu delete svc web",
         "kubectl delete deploy payments-prod", "kubectl delete -f k8s/production/ --recursive"),
        ("kubectl delete deployment api -n dev", "kubectl get pods -n production",
         "kubectl delete deployment api -n production --dry-run=server"),
    ),
    CommandRule(
        "bash.kubectl-scale-to-zero", DESTRUCTIVE, Severity.HIGH,
        "This scales every workload, or a production one, to zero replicas: the service stops at once. Scale the "
        "one deployment you mean, outside production, or change replicas through the deployment pipeline.",
        kubectl_scale_to_zero,
        ("kubectl scale deploy --all --replicas=0 -n prod", "kubectl scale deployment api --replicas=0 -n production",
         "kubectl --context prod-eu scale sts db --replicas 0"),
        ("kubectl scale deploy api --replicas=3 -n production", "kubectl scale deploy api --replicas=0 -n dev",
         "kubectl scale deploy --all --replicas=0 -n prod --dry-run=server"),
    ),
    CommandRule(
        "bash.helm-uninstall", DESTRUCTIVE, Severity.HIGH,
        "helm uninstall removes every Kubernetes object of the release (services, deployments, often volumes). "
        "Check the release and context first, try --dry-run, and remove releases through the deployment pipeline.",
        helm_uninstall,
        ("helm uninstall web -n production", "helm delete api", "helm --kube-context prod un payments"),
        ("helm list -A", "helm upgrade --install web ./chart", "helm uninstall web --dry-run"),
    ),
)
