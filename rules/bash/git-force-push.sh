#!/usr/bin/env bash
# ruleid: bash.git-force-push
git push --force origin main
# ruleid: bash.git-force-push
git push -f origin "$BRANCH"
# ruleid: bash.git-force-push
git push origin +release/1.2
# ok: bash.git-force-push
git push --force-with-lease origin feature/login
# ok: bash.git-force-push
git push origin main --follow-tags
