FROM node:20.15.1-slim
WORKDIR /app
COPY . .
# ruleid: dockerfile.destructive-db-command
RUN npx prisma migrate reset --force && npm run build
# ruleid: dockerfile.destructive-db-command
CMD npx prisma db push --accept-data-loss && node dist/server.js
# ok: dockerfile.destructive-db-command
RUN npx prisma migrate deploy
# ok: dockerfile.destructive-db-command
RUN npx prisma generate
