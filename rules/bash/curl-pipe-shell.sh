#!/bin/bash
# ruleid: bash.curl-pipe-shell
curl -fsSL https://get.example.com | sh
# ruleid: bash.curl-pipe-shell
wget -qO- https://install.example.com | bash
# ok: bash.curl-pipe-shell
curl -fsSLo install.sh https://get.example.com
# ok: bash.curl-pipe-shell
curl -s https://api.example.com | jq .
