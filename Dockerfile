# The cskit image (`cskit manager` in a management cluster: see `cskit manager manifests` and docs/manager.md,
# "Operations"). Node LTS; runs as a numeric non-root user (the Deployment's runAsNonRoot can only be checked
# against a number) and needs nothing writable but /tmp, which the Deployment mounts as an emptyDir over a
# read-only root filesystem.
#   docker build -t localhost/cskit:$(node -p 'require("./package.json").version') .
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY . .
# npm ci builds (prepare: tsc and the precompiled schema validators); then the dev dependencies go.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production HOME=/tmp
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/lib ./lib
COPY --from=build /app/bin ./bin
USER 65532:65532
ENTRYPOINT ["node", "/app/bin/cskit"]
CMD ["manager"]
