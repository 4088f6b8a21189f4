#!/bin/bash
# ruleid: bash.curl-without-timeout
curl -fsS https://api.example.com/health
# ruleid: bash.curl-without-timeout
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "$URL")
# ok: bash.curl-without-timeout
curl -fsS --max-time 10 --connect-timeout 3 https://api.example.com/health
# ok: bash.curl-without-timeout
curl -m 5 -s https://api.example.com/health
