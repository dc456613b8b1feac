import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The client is served by the Tearline server from dist/client; in `npm run dev` Vite proxies
// the API and the socket to a server on :8080.
export default defineConfig({
  root: 'client',
  plugins: [react()],
  // The map's basemap data are chunks of up to 3 MB (1:10m land), loaded when the map reaches them;
  // served locally, never over a WAN. The workspace's own chunk is about 730 kB.
  build: { outDir: '../dist/client', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/socket.io': { target: 'http://localhost:8080', ws: true },
    },
  },
});
