FROM ruby:3.3.4-slim
WORKDIR /app
COPY . .
# ruleid: dockerfile.destructive-db-command
CMD ["sh", "-c", "bundle exec rails db:reset && bundle exec puma"]
# ok: dockerfile.destructive-db-command
ENTRYPOINT ["sh", "-c", "bundle exec rails db:migrate && bundle exec puma"]
# ruleid: dockerfile.destructive-db-command
CMD ["npx", "prisma", "migrate", "reset", "--force"]
