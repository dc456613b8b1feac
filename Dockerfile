FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && npm ci --no-audit --no-fund && apt-get purge -y python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY . .
RUN npm run build
ENV TEARLINE_DATA_DIR=/data PORT=8080
VOLUME /data
EXPOSE 8080
CMD ["node", "bin/tearline.mjs", "serve"]
