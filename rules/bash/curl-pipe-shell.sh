#!/bin/bash
# ruleid: bash.curl-pipe-shell
curl -fsSL https://get.example.com/install.sh | sudo bash
# ruleid: bash.curl-pipe-shell
wget -qO- https://example.com/setup | sh
# ruleid: bash.curl-pipe-shell
bash <(curl -s https://example.com/bootstrap.sh)
# ok: bash.curl-pipe-shell
curl -fsSL -o install.sh https://get.example.com/install.sh
# ok: bash.curl-pipe-shell
curl -fsSL https://example.com/data.json | jq '.items'
