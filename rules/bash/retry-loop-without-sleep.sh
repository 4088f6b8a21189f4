#!/bin/bash
# ruleid: bash.retry-loop-without-sleep
until pg_isready -h db -p 5432; do
  echo "waiting for db"
done

# ruleid: bash.retry-loop-without-sleep
while ! curl -fs --max-time 2 http://localhost:8080/health; do
  echo "not up yet"
done

# ruleid: bash.retry-loop-without-sleep
while true; do
  kubectl apply -f deploy.yaml && break
done

# ok: bash.retry-loop-without-sleep
until pg_isready -h db -p 5432; do
  echo "waiting for db"
  sleep 2
done

# ok: bash.retry-loop-without-sleep
for i in $(seq 1 10); do
  curl -fs --max-time 2 http://localhost:8080/health && break
  sleep $((i * 2))
done
