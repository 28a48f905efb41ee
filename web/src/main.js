import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import * as Icons from '@element-plus/icons-vue'
import App from './App.vue'
import { i18n } from './i18n.js'
import { router } from './router.js'

const app = createApp(App)
for (const [name, icon] of Object.entries(Icons)) app.component(name, icon)
app.use(ElementPlus).use(i18n).use(router).mount('#app')
