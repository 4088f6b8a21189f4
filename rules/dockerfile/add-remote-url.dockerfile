FROM alpine:3.20
# ruleid: dockerfile.add-remote-url
ADD https://github.com/example/tool/releases/download/v1.2.0/tool-linux-amd64 /usr/local/bin/tool
# ruleid: dockerfile.add-remote-url
ADD --chmod=755 http://downloads.example.com/agent.sh /opt/agent.sh
# ok: dockerfile.add-remote-url
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://github.com/example/tool/releases/download/v1.2.0/tool-linux-amd64 /usr/local/bin/tool
# ok: dockerfile.add-remote-url
ADD vendor.tar.gz /opt/vendor/
