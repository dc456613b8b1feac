import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The client is served by the Tearline server from dist/client; in `npm run dev` Vite proxies
// the API and the socket to a server on :8080.
export default defineConfig({
  root: 'client',
  plugins: [react()],
  // yjs, React and the bundled world basemap make one ~600 kB chunk; it is served locally, never over a WAN.
  build: { outDir: '../dist/client', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/socket.io': { target: 'http://localhost:8080', ws: true },
    },
  },
});
