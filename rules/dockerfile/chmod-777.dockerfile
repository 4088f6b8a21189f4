FROM node:20.15-alpine
WORKDIR /app
# ruleid: dockerfile.chmod-777
RUN chmod -R 777 /app
# ruleid: dockerfile.chmod-777
RUN mkdir -p /data && chmod 777 /data
# ok: dockerfile.chmod-777
RUN chmod 755 /usr/local/bin/entrypoint.sh
# ok: dockerfile.chmod-777
COPY --chown=node:node . /app
