// Vite builds the console into BANYAN_WEB_OUT (the build directory, via
// scripts/embed.sh), from where tools/mkembed.c puts it into the binary.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  build: {
    outDir: process.env.BANYAN_WEB_OUT || 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        // Libraries change less often than banyan's pages: separate files cache better.
        manualChunks: { 'element-plus': ['element-plus'], echarts: ['echarts/core', 'echarts/charts', 'echarts/components', 'echarts/renderers'] },
      },
    },
  },
  // `npx vite` for console work against a running `banyan serve` on :8080.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
})
