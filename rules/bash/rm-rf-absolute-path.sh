#!/bin/bash
# ruleid: bash.rm-rf-absolute-path
rm -rf ~/project && git push --force origin main
# ruleid: bash.rm-rf-absolute-path
sudo rm -rf /opt/app/releases/2024-01-01
# ruleid: bash.rm-rf-absolute-path
rm -fr "$HOME/work/checkout"
# ok: bash.rm-rf-absolute-path
rm -rf build/ dist/
# ok: bash.rm-rf-absolute-path
rm -rf /tmp/build-cache
# ok: bash.rm-rf-absolute-path
rm -f /opt/app/current.pid
# ok: bash.rm-rf-absolute-path
echo rm -rf /opt/app
# ok: bash.rm-rf-absolute-path
rm -rf /usr/
