#!/bin/bash
# ruleid: bash.git-force-push
git push --force origin main
# ruleid: bash.git-force-push
git push -f
# ok: bash.git-force-push
git push --force-with-lease origin feature/x
# ok: bash.git-force-push
git push origin main
