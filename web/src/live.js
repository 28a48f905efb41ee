// Live events from GET /api/v1/events for one page: call onEvent(data) for
// each event of the given type (or types: an array, one connection for
// all), reconnect after the connection is lost, and close when the page
// goes.  `live` tells whether the connection is up: null until the first
// attempt opens or fails, so a page does not say 连接中断 while it loads.
import { onBeforeUnmount, onMounted, ref } from 'vue'

export function useLive(type, onEvent) {
  const live = ref(null)
  let source = null
  let retry = null
  function connect() {
    source = new EventSource('/api/v1/events')
    for (const one of [].concat(type))
      source.addEventListener(one, (ev) => {
        let data = null
        try {
          data = JSON.parse(ev.data)
        } catch {
          return
        }
        onEvent(data, one)
      })
    source.onopen = () => { live.value = true }
    source.onerror = () => {
      live.value = false
      if (source.readyState === EventSource.CLOSED) {
        source.close()
        retry = setTimeout(connect, 5000)
      }
    }
  }
  onMounted(connect)
  onBeforeUnmount(() => {
    source?.close()
    clearTimeout(retry)
  })
  return live
}

/** fn, called at most once per `ms` however often it is asked for. */
export function debounced(fn, ms) {
  let timer = null
  const call = () => {
    if (!timer) timer = setTimeout(() => { timer = null; fn() }, ms)
  }
  onBeforeUnmount(() => clearTimeout(timer))
  return call
}
