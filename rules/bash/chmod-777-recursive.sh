#!/bin/bash
# ruleid: bash.chmod-777-recursive
chmod -R 777 /var/www/html
# ruleid: bash.chmod-777-recursive
sudo chmod --recursive a+rwx /opt/app
# ok: bash.chmod-777-recursive
chmod -R u+rwX,go-w /var/www/html
# ok: bash.chmod-777-recursive
chmod 755 /usr/local/bin/deploy
