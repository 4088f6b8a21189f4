#!/usr/bin/env bash
set -euo pipefail

kubectl apply -f k8s/
# ruleid: bash.wait-loop-without-limit
until curl -fsS --max-time 2 http://localhost:8080/healthz; do
  sleep 1
done

# ok: bash.wait-loop-without-limit
for attempt in $(seq 1 30); do
  curl -fsS --max-time 2 http://localhost:8080/readyz && break
  sleep 2
done

# ok: bash.wait-loop-without-limit
timeout 300 bash -c 'until pg_isready -h db; do sleep 2; done'

# ruleid: bash.wait-loop-without-limit
while ! nc -z db 5432; do echo "waiting for db"; sleep 2; done
