// Vite builds the console into BANYAN_WEB_OUT (the build directory, via
// scripts/embed.sh), from where tools/mkembed.c puts it into the binary.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

export default defineConfig({
  plugins: [
    vue(),
    // Element Plus per component, each with its own CSS: a page loads what it shows (a district's slow link).
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }),
  ],
  // Vue's options API, vue-i18n's legacy API and the devtools' hooks are unused: left out of the bundle.
  define: { __VUE_OPTIONS_API__: 'false', __VUE_PROD_DEVTOOLS__: 'false', __VUE_I18N_LEGACY_API__: 'false', __INTLIFY_PROD_DEVTOOLS__: 'false' },
  build: {
    outDir: process.env.BANYAN_WEB_OUT || 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  // `npx vite` for console work against a running `banyan serve` on :8080.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
})
