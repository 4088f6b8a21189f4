FROM python:3.12.4-slim
# ruleid: dockerfile.tls-verification-disabled
RUN curl -k -o /tmp/ca.tgz https://artifacts.internal/ca.tgz
# ruleid: dockerfile.tls-verification-disabled
RUN pip install --trusted-host pypi.internal -r requirements.txt
# ok: dockerfile.tls-verification-disabled
RUN curl -fsSL --cacert /etc/ssl/certs/internal-ca.pem -o /tmp/ca.tgz https://artifacts.internal/ca.tgz
# ok: dockerfile.tls-verification-disabled
RUN pip install --no-cache-dir -r requirements.txt

FROM debian:12.6-slim
# ruleid: dockerfile.tls-verification-disabled
RUN curl -fsSL \
      -k https://artifacts.internal/tool.tar.gz -o /tmp/tool.tgz
