# One image for the API, the worker and the migration job (docker-compose.yml picks the command).
# Node 24 (LTS) brings npm 11, which runs only the dependency install scripts package.json's allowScripts
# approves (npm 10 ran them all: Prisma's engine download and telemetry among them).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The production build: what the API, the worker and the migration job run, without the demo's simulators.
RUN node scripts/build.js --production && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
# The local key file's folder; docker-compose.yml mounts one volume here for both api and worker.
RUN mkdir -p /app/.data/keys && chown node:node /app/.data/keys
USER node
CMD ["node", "dist/apps/api/src/main.js"]
