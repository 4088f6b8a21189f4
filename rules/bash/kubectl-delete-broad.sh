#!/usr/bin/env bash
set -e
# ruleid: bash.kubectl-delete-broad
kubectl delete namespace payments
# ruleid: bash.kubectl-delete-broad
kubectl delete pods --all -n checkout
# ruleid: bash.kubectl-delete-broad
kubectl --context prod delete pvc data-postgres-0
# ok: bash.kubectl-delete-broad
kubectl delete pod web-7d9f8c6b5-x2x9q -n checkout
# ok: bash.kubectl-delete-broad
kubectl get namespace payments
