# Sluice's service image: built in one stage (TypeScript, the editor bundle), run from a second
# with production dependencies only, as the unprivileged `node` user. Configuration is by
# environment variables (README, "Configuration"). Embedded PGlite keeps its data in /data;
# with DATABASE_URL the instance is stateless.

FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY . .
# `npm ci` runs the prepare script: tsc and the editor bundle into dist/.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:20.20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 SLUICE_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/examples ./examples
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
VOLUME ["/data"]
# Liveness only: /livez touches no database, so a database outage does not get the container killed.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains (SLUICE_SHUTDOWN_TIMEOUT_MS, default 25 s); give the container longer than that to stop.
STOPSIGNAL SIGTERM
CMD ["node", "bin/sluice.mjs", "serve"]
