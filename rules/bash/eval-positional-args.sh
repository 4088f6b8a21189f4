#!/bin/bash
run() {
  # ruleid: bash.eval-positional-args
  eval "$1"
}
# ruleid: bash.eval-positional-args
eval "docker exec web $@"
# ok: bash.eval-positional-args
eval set -- "$PARSED"
# ok: bash.eval-positional-args
eval "$(ssh-agent -s)"
# ok: bash.eval-positional-args
eval "$cmp" '"$1"' '"$2"'
