# syntax=docker/dockerfile:1
# The koaxy image: one image, two entry points (`koaxy proxy`, `koaxy controller`; DESIGN §1).
# Node 24 runs the TypeScript sources directly (type stripping): no build step, no dev
# dependencies, no shell in the runtime image, a non-root user.

# --- production dependencies only ---------------------------------------------------------
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev: no TypeScript, mocha or the `node` dev package; --ignore-scripts: no production
# dependency needs an install script.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# --- runtime: distroless Node 24, no shell, no package manager ----------------------------
FROM gcr.io/distroless/nodejs24-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps --chown=0:0 /app/node_modules ./node_modules
COPY --chown=0:0 package.json ./
COPY --chown=0:0 bin ./bin
COPY --chown=0:0 src ./src
# The files are root-owned and read-only to the process, which runs as "nonroot" (65532).
USER 65532:65532
EXPOSE 8080 9900 9902
ENTRYPOINT ["/nodejs/bin/node", "bin/koaxy.js"]
CMD ["--help"]
