#!/bin/bash
# ruleid: bash.tls-verification-disabled
curl -k https://vault.internal:8200/v1/secret/app
# ruleid: bash.tls-verification-disabled
curl -fsSLk https://artifacts.internal/app.tar.gz -o app.tar.gz
# ruleid: bash.tls-verification-disabled
git config --global http.sslVerify false
# ruleid: bash.tls-verification-disabled
wget --no-check-certificate https://artifacts.internal/app.tar.gz
# ok: bash.tls-verification-disabled
curl --cacert /etc/ssl/internal-ca.pem https://vault.internal:8200/v1/secret/app
# ok: bash.tls-verification-disabled
curl -fsSL https://artifacts.internal/app.tar.gz -o app.tar.gz
