#!/bin/bash
# ruleid: bash.hardcoded-credential
export DB_PASSWORD=Sup3rS3cret!
# ruleid: bash.hardcoded-credential
mysqldump -u root -pHunter2024 shop > shop.sql
# ruleid: bash.hardcoded-credential
curl -u deploy:9f8e7d6c5b4a https://ci.internal/api/trigger
# ruleid: bash.hardcoded-credential
export AWS_ACCESS_KEY_ID=AKIA4J7Y2Q8R3T6U9W1Z
# ok: bash.hardcoded-credential
export DB_PASSWORD="${DB_PASSWORD:?must be set}"
# ok: bash.hardcoded-credential
mysqldump -u root -p"$MYSQL_PWD" shop > shop.sql
