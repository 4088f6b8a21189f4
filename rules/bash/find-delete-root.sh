#!/bin/bash
# ruleid: bash.find-delete-root
find / -name '*.log' -delete
# ruleid: bash.find-delete-root
sudo find /var -type f -mtime +1 -exec rm -f {} \;
# ruleid: bash.find-delete-root
find ~ -name node_modules -exec rm -rf {} +
# ruleid: bash.find-delete-root
find "$HOME" -delete
# ok: bash.find-delete-root
find . -name '*.pyc' -delete
# ok: bash.find-delete-root
find ./build -type f -exec rm -f {} +
# ok: bash.find-delete-root
find / -name '*.conf' -print
