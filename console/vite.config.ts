import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built to console/dist, which Charter serves at `/` (src/console). `vite` alone (port 5173)
// proxies the API to a Charter running on 4000.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 400 },
  server: { port: 5173, proxy: { '/graphql': 'http://localhost:4000', '/api': 'http://localhost:4000' } },
});
