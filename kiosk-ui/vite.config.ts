import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = import.meta.dirname;
/** The device agent's socket.io port (config default); the dev server forwards to it. */
const agentTarget = process.env.KIOSK_AGENT_URL ?? 'http://127.0.0.1:7300';
const proxy = { '/socket.io': { target: agentTarget, ws: true } };

export default defineConfig({
  root: here,
  plugins: [react()],
  define: {
    // The `?example=` harness ships only in dev or in a build made with KIOSK_EXAMPLES=1 (screenshots);
    // a production build folds this to false and drops the fixtures chunk.
    __KIOSK_EXAMPLES__: JSON.stringify(process.env.KIOSK_EXAMPLES === '1'),
  },
  build: {
    outDir: resolve(here, 'dist'),
    emptyOutDir: true,
    rolldownOptions: {
      input: {
        index: resolve(here, 'index.html'),
        console: resolve(here, 'console.html'),
      },
    },
  },
  server: { proxy },
  preview: { proxy },
});
