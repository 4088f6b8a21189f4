#!/bin/bash
# ruleid: bash.docker-run-privileged
docker run -d --privileged --name agent monitoring/agent:1.4
# ruleid: bash.docker-run-privileged
docker run --rm -v /var/run/docker.sock:/var/run/docker.sock ci/runner:2
# ruleid: bash.docker-run-privileged
docker run -it -v /:/host alpine:3.20 sh
# ok: bash.docker-run-privileged
docker run -d --cap-add NET_ADMIN --name agent monitoring/agent:1.4
# ok: bash.docker-run-privileged
docker run --rm -v "$PWD/data:/data:ro" alpine:3.20 ls /data
