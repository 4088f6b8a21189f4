#!/bin/bash
# ruleid: bash.rm-rf-root
rm -rf / --no-preserve-root
# ruleid: bash.rm-rf-root
rm -rf ~
# ruleid: bash.rm-rf-root
sudo rm -rf /usr
# ok: bash.rm-rf-root
rm -rf ./build
# ok: bash.rm-rf-root
rm -f /tmp/lockfile
