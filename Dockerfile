# One image for all six services; APP picks which one runs (see docker-compose.yml).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps ./apps
COPY libs ./libs
COPY tests ./tests
COPY tools ./tools
COPY tsconfig.base.json tsconfig.json ./
RUN npm ci --no-audit --no-fund
RUN node tools/scripts/build.mjs --bundle-only apps/gateway apps/contacts apps/pipeline apps/activities apps/sales apps/reporting

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
ARG APP
ENV APP=${APP}
CMD ["sh", "-c", "exec node --enable-source-maps dist/apps/${APP}/main.js"]
