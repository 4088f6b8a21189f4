# ruleid: dockerfile.from-latest-tag
FROM node:latest AS build
WORKDIR /app
COPY . .
RUN npm ci && npm run build

# ruleid: dockerfile.from-latest-tag
FROM ghcr.io/example/runtime
# ok: dockerfile.from-latest-tag
FROM python:3.12.4-slim AS deps
# ok: dockerfile.from-latest-tag
FROM deps
# ok: dockerfile.from-latest-tag
FROM gcr.io/distroless/nodejs20-debian12@sha256:2b1c7a2f9e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9c0b
COPY --from=build /app/dist /app
