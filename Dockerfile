# syntax=docker/dockerfile:1.7
#
# One Dockerfile, three images: `--target worker`, `--target signaler`, `--target operator`.
# The roles run the same code and the same node_modules (the operator starts signaler and worker
# pods from one --image, overriding the command), so one shared `runtime` stage builds them and
# each target only sets its entrypoint, labels and health check (docs/deployment.md, "Images").
#
#   docker build --target operator -t ghcr.io/room-recorder/operator:0.1.0 .
#   docker build --target worker   -t ghcr.io/room-recorder/room-recorder:0.1.0 .
#
# No build step: Node 24 runs our .ts files through type stripping.

ARG NODE_IMAGE=node:24-slim

# ---- deps: production dependencies only (no `node` devDependency, no playwright, no tsc) ----
# --ignore-scripts: no production dependency has an install script (only the dev `node` does).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime: source without tests, a `room-recorder` command, non-root ----
FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="room-recorder" \
      org.opencontainers.image.description="Record every stream of a VDO.Ninja room, from one laptop to a Kubernetes cluster" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="https://github.com/room-recorder/room-recorder"
WORKDIR /app
# HOME on the one writable scratch volume (the chart mounts /tmp as an emptyDir): nothing writes
# to the read-only root file system.
ENV NODE_ENV=production \
    HOME=/tmp \
    NODE_OPTIONS="--disable-warning=ExperimentalWarning"
COPY --from=deps --chown=0:0 /app/node_modules ./node_modules
COPY --chown=0:0 package.json ./
COPY --chown=0:0 bin ./bin
COPY --chown=0:0 src ./src
# Files stay owned by root, so the runtime user cannot change them. The operator's pods run
# `command: ["room-recorder"]` (src/operator/specs), so the bin script goes on PATH.
# (.dockerignore keeps tests and test fixtures out of src/.)
RUN chmod 0755 bin/room-recorder.js \
 && ln -s /app/bin/room-recorder.js /usr/local/bin/room-recorder
# The node image's `node` user, numerically (runAsNonRoot can only verify a numeric USER);
# matches RUN_AS_UID in src/operator/specs/common.ts.
USER 1000:1000
VOLUME ["/tmp"]

# ---- worker: one stream; /recordings is the volume the operator mounts ----
FROM runtime AS worker
LABEL org.opencontainers.image.title="room-recorder-worker"
# Liveness of a worker is its media (heartbeats on the bus, judged by the supervisor), not an
# HTTP probe: a worker with no publisher yet is healthy.
HEALTHCHECK NONE
ENTRYPOINT ["node", "src/cli/main.ts", "worker"]

# ---- signaler: the one WebSocket of a room ----
FROM runtime AS signaler
LABEL org.opencontainers.image.title="room-recorder-signaler"
HEALTHCHECK NONE
ENTRYPOINT ["node", "src/cli/main.ts", "signaler"]

# ---- operator: the RoomRecording controller; /metrics, /healthz, /readyz on 8080 ----
FROM runtime AS operator
LABEL org.opencontainers.image.title="room-recorder-operator"
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "src/cli/main.ts", "operator"]
