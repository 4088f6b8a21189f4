#!/bin/bash
DEV=/dev/sdb
# ruleid: bash.disk-wipe
dd if=/dev/zero of=/dev/sda bs=1M count=100
# ruleid: bash.disk-wipe
mkfs.ext4 -F /dev/nvme1n1
# ruleid: bash.disk-wipe
wipefs -a /dev/sdb
# ok: bash.disk-wipe
dd if=/dev/urandom of=./random.bin bs=1M count=10
# ok: bash.disk-wipe
lsblk -f /dev/sdb
