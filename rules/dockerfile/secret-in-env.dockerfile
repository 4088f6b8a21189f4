FROM node:20.15-alpine
# ruleid: dockerfile.secret-in-env
ENV DB_PASSWORD=Sup3rS3cret2024
# ruleid: dockerfile.secret-in-env
ARG NPM_TOKEN=npm_a1B2c3D4e5F6g7H8i9J0
# ok: dockerfile.secret-in-env
ARG NPM_TOKEN
# ok: dockerfile.secret-in-env
ENV DB_PASSWORD_FILE=/run/secrets/db_password
RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci

FROM node:20.15.1-slim
# ruleid: dockerfile.secret-in-env
ENV NODE_ENV=production \
    STRIPE_SECRET_KEY=sk_live_51Hx9aTq2eZvKYlo2C8xRk
# ok: dockerfile.secret-in-env
ENV NODE_ENV=production \
    PORT=8080
