# One image for every back-end app (API, scheduler, worker, verifier) and one for the dashboard.
# Build: docker build --target app -t sentinelmesh .   /   docker build --target web -t sentinelmesh-web .
FROM node:24-slim AS deps
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true
RUN npm install -g pnpm@10.34.8
WORKDIR /srv
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
COPY apps/api/package.json apps/api/
COPY apps/scheduler/package.json apps/scheduler/
COPY apps/worker/package.json apps/worker/
COPY apps/verifier/package.json apps/verifier/
COPY apps/web/package.json apps/web/
COPY packages/core/package.json packages/core/
COPY packages/db/package.json packages/db/
COPY packages/platform/package.json packages/platform/
RUN pnpm install --frozen-lockfile
COPY . .

FROM deps AS web-build
ENV NEXT_TELEMETRY_DISABLED=1
RUN pnpm --filter @sentinelmesh/web build

FROM node:24-slim AS app
ENV NODE_ENV=production
WORKDIR /srv
COPY --from=deps /srv /srv
USER node
# APP is api, scheduler, worker or verifier.
ENV APP=api
CMD ["sh", "-c", "cd apps/$APP && exec node --import tsx src/main.ts"]

FROM node:24-slim AS web
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
WORKDIR /srv
COPY --from=web-build /srv /srv
USER node
CMD ["sh", "-c", "cd apps/web && exec node node_modules/next/dist/bin/next start -p ${WEB_PORT:-3000}"]
