#!/usr/bin/env bash
cd /srv/app
git fetch origin
# ruleid: bash.git-reset-hard
git reset --hard origin/main
# ruleid: bash.git-reset-hard
git clean -fdx
# ok: bash.git-reset-hard
git reset --soft HEAD~1
# ok: bash.git-reset-hard
git clean -n
