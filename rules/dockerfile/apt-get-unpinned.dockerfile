FROM debian:12.6
# ruleid: dockerfile.apt-get-unpinned
RUN apt-get update && apt-get install -y curl ca-certificates
# ruleid: dockerfile.apt-get-unpinned
RUN apt-get install -y --no-install-recommends \
      git \
      openssh-client
# ok: dockerfile.apt-get-unpinned
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u6 ca-certificates=20230311
# ok: dockerfile.apt-get-unpinned
RUN apt-get update
