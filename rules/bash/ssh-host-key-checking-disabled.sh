#!/bin/bash
# ruleid: bash.ssh-host-key-checking-disabled
ssh -o StrictHostKeyChecking=no deploy@web1 'sudo systemctl restart app'
# ruleid: bash.ssh-host-key-checking-disabled
scp -o UserKnownHostsFile=/dev/null build.tar.gz deploy@web1:/tmp/
# ok: bash.ssh-host-key-checking-disabled
ssh -o StrictHostKeyChecking=yes deploy@web1 'uptime'
# ok: bash.ssh-host-key-checking-disabled
ssh-keyscan -H web1 >> ~/.ssh/known_hosts
