# Images run compiled JavaScript: `pnpm build` compiles every package and app and lays out one deploy
# folder per image in dist/<app> (production dependencies only); the runtime stages copy just that.
#   docker build --build-arg APP=api -t sentinelmesh-api .        (APP: api, scheduler, worker, verifier)
#   docker build --target web -t sentinelmesh-web .
#   docker build --target probe -t sentinelmesh-probe .   (one file: dist/probe/probe.js; docs/probes.md)
# The migrate step runs from the api image: node node_modules/@sentinelmesh/db/dist/migrate-cli.js
FROM node:24-slim AS build
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true NEXT_TELEMETRY_DISABLED=1
RUN npm install -g pnpm@10.34.8
WORKDIR /src
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
COPY apps/api/package.json apps/api/
COPY apps/scheduler/package.json apps/scheduler/
COPY apps/worker/package.json apps/worker/
COPY apps/verifier/package.json apps/verifier/
COPY apps/web/package.json apps/web/
COPY packages/core/package.json packages/core/
COPY packages/db/package.json packages/db/
COPY packages/platform/package.json packages/platform/
COPY scripts/lib/package.json scripts/lib/
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm build && pnpm build:sizes

FROM node:24-slim AS web
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOSTNAME=0.0.0.0 PORT=3000 APP=web
WORKDIR /srv
COPY --from=build --chown=root:root /src/dist/web /srv
COPY --chown=root:root deploy/docker/healthcheck.mjs /srv/healthcheck.mjs
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD ["node", "/srv/healthcheck.mjs"]
CMD ["node", "apps/web/front.mjs"]

# A remote probe: one file, no inbound port, outbound HTTPS only. The spool (results held while the
# gateway cannot be reached) lives in /spool; mount a volume there to keep it across containers.
FROM node:24-slim AS probe
ENV NODE_ENV=production PROBE_SPOOL_DIR=/spool
WORKDIR /srv
COPY --from=build --chown=root:root /src/dist/probe/probe.js /srv/probe.js
RUN mkdir /spool && chown node:node /spool
VOLUME /spool
USER node
# PROBE_GATEWAY and PROBE_TOKEN come from the environment (or append --gateway/--token to the command).
ENTRYPOINT ["node", "/srv/probe.js"]

# Last, so a plain `docker build` gives the back-end image.
FROM node:24-slim AS app
ARG APP=api
ENV NODE_ENV=production APP=${APP}
WORKDIR /srv
# The worker's ping checks run the system ping (iputils) over unprivileged ICMP sockets, which the
# net.ipv4.ping_group_range sysctl allows (docker-compose.yml, deploy/k8s): no CAP_NET_RAW.
# Its browser checks launch Debian's Chromium (CHROMIUM_PATH=/usr/bin/chromium) with fonts to render
# pages; Chromium's profile goes to /tmp, which must be writable (an emptyDir under a read-only root).
RUN if [ "$APP" = worker ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends iputils-ping chromium fonts-liberation fonts-noto-color-emoji \
      && rm -rf /var/lib/apt/lists/*; \
    fi
# Owned by root, run as node: the process cannot rewrite its own code.
COPY --from=build --chown=root:root /src/dist/${APP} /srv
COPY --chown=root:root deploy/docker/healthcheck.mjs /srv/healthcheck.mjs
USER node
# /health on API_PORT (the API) or OPS_PORT (the background apps).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "/srv/healthcheck.mjs"]
CMD ["node", "dist/main.js"]
