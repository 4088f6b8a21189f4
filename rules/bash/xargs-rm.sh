#!/bin/bash
# ruleid: bash.xargs-rm
git ls-files --others | xargs rm -rf
# ruleid: bash.xargs-rm
find . -name node_modules | xargs -n 1 rm -r
# ruleid: bash.xargs-rm
ls -d */ | xargs -I {} sudo rm -rf {}
# ok: bash.xargs-rm
find . -name node_modules -print0 | xargs -0 rm -rf
# ok: bash.xargs-rm
find . -name '*.tmp' | xargs rm -f
# ok: bash.xargs-rm
printf '%s\n' a b | xargs -d '\n' rm -rf
