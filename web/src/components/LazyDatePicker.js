// Element Plus's date picker, 27 KB gzipped with its styles, fetched the first time a dialog shows
// one rather than with the page: for pages whose date fields sit only in their dialogs.
import { defineAsyncComponent } from 'vue'

export default defineAsyncComponent(() =>
  Promise.all([import('element-plus/es/components/date-picker/index.mjs'), import('element-plus/es/components/date-picker/style/css')]).then(([m]) => m.ElDatePicker),
)
