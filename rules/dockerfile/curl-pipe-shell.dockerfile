FROM debian:12.6
# ruleid: dockerfile.curl-pipe-shell
RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
# ruleid: dockerfile.curl-pipe-shell
RUN wget -qO- https://get.example.com/install.sh | sh
# ok: dockerfile.curl-pipe-shell
RUN curl -fsSLo /tmp/install.sh https://get.example.com/install.sh \
    && echo "3f5c2a7e9b1d4c6e8f0a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e  /tmp/install.sh" | sha256sum -c - \
    && sh /tmp/install.sh
# ok: dockerfile.curl-pipe-shell
RUN curl -fsSL https://example.com/data.json | jq '.version'

FROM debian:12.6-slim AS tools
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates
# ruleid: dockerfile.curl-pipe-shell
RUN curl -fsSL https://get.example-cli.dev/install.sh \
    | sh \
 && rm -rf /var/lib/apt/lists/*
# ruleid: dockerfile.curl-pipe-shell
RUN curl -fsSL https://deb.nodesource.com/setup_20.x \
    | bash -
# ok: dockerfile.curl-pipe-shell
RUN curl -fsSLo /tmp/install.sh https://get.example-cli.dev/install.sh \
 && echo "3b1f0c  /tmp/install.sh" | sha256sum -c - \
 && sh /tmp/install.sh
