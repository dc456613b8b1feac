# Three stages, so the image that runs holds no dev dependency and no compiler.
# Runtime dependencies: tsx, which loads the TypeScript sources (bin/tearline.mjs), is one of them;
# better-sqlite3 is compiled here if no prebuilt binary fits.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# The web client, built with the dev dependencies (vite and its React plugin) into dist/client.
FROM deps AS build
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV TEARLINE_DATA_DIR=/data PORT=8080
COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/client ./dist/client
COPY bin ./bin
COPY server ./server
COPY shared ./shared
COPY scenarios ./scenarios
VOLUME /data
EXPOSE 8080
CMD ["node", "bin/tearline.mjs", "serve"]
