# ruleid: dockerfile.final-stage-without-user
FROM node:20.15.1-bookworm-slim
WORKDIR /srv
COPY package*.json ./
RUN npm ci --omit=dev
COPY . .
ENTRYPOINT ["node", "server.js"]
