import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The client is served by the Tearline server from dist/client; in `npm run dev` Vite proxies
// the API and the socket to a server on :8080.
export default defineConfig({
  root: 'client',
  plugins: [react()],
  build: { outDir: '../dist/client', emptyOutDir: true },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/socket.io': { target: 'http://localhost:8080', ws: true },
    },
  },
});
