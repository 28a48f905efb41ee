import { createApp } from 'vue'
// Element Plus's components and their styles come in per component (unplugin-vue-components in
// vite.config.js); the services called from scripts bring their own styles here.
import 'element-plus/theme-chalk/base.css'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import App from './App.vue'
import * as icons from './icons.js'
import { i18n, localeReady } from './i18n.js'
import { router } from './router.js'

const app = createApp(App)
for (const [name, icon] of Object.entries(icons)) app.component(name, icon)
localeReady.then(() => app.use(i18n).use(router).mount('#app'))
