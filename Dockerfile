# One image for every Tasker service: the container's command names the service
# (`docker run tasker executor` runs `tasker start executor`).

# Build: every dependency, then the TypeScript build of the CLI and all it runs (each workspace's dist/),
# and the run inspector's bundle (ui/dist, static files the gateway serves at /ui).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs ./libs
COPY services ./services
COPY tools ./tools
COPY ui ./ui
COPY tsconfig.base.json ./
# What runs needs only the production dependencies: dev tools (typescript, vitest, nx, the npm `node` binary) go.
RUN npm ci --no-audit --no-fund \
 && npx tsc -b tools/cli \
 && npm run build -w @tasker/ui \
 && npm prune --omit=dev --no-audit --no-fund \
 && find libs services tools -name '*.tsbuildinfo' -delete

# Runtime: Node, the production dependencies and the built workspaces, run as the unprivileged `node` user.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json /app/package-lock.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/libs ./libs
COPY --from=build --chown=root:root /app/services ./services
COPY --from=build --chown=root:root /app/tools ./tools
COPY --from=build --chown=root:root /app/ui/package.json ./ui/package.json
COPY --from=build --chown=root:root /app/ui/dist ./ui/dist
USER node
# The gateway's HTTP port; the others serve /health on HEALTH_PORT (set by the deployment, 8081 in ours).
EXPOSE 3000 8081
ENTRYPOINT ["node", "tools/cli/dist/main.js", "start"]
CMD ["gateway"]
