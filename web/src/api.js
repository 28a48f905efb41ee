// The one way the console talks to banyan: the session cookie travels by
// itself; every state-changing request carries the CSRF token; a 401 sends
// the user to the login page and back to where they were afterwards.  It
// names the language shown (Accept-Language), so that errors come back in
// that language alone rather than "中文 (English)".
import { computed, onMounted, reactive, ref } from 'vue'
import { i18n } from './i18n.js'

export const session = reactive({ user: null, csrf: '', checked: false })

let onUnauthenticated = () => {}
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn
}

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message || `HTTP ${status}`)
    this.status = status
    this.code = error?.code || ''
    this.field = error?.field || ''
  }
}

export async function api(method, path, body) {
  const headers = { 'Accept-Language': i18n.global.locale.value }
  const init = { method, credentials: 'same-origin', headers }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf
  const res = await fetch(`/api/v1${path}`, init)
  let data = null
  try {
    data = await res.json()
  } catch {
    data = null
  }
  if (res.status === 401 && path !== '/session') {
    session.user = null
    session.csrf = ''
    onUnauthenticated()
  }
  if (!res.ok) throw new ApiError(res.status, data?.error)
  return data
}

/**
 * What a record's page says when it cannot read the record: one outside the
 * reader's scope and one that does not exist read alike (the API answers 404
 * for both, 403 for a role or duty that may not), 无权查看或不存在, rather
 * than the API's message; any other failure as the API words it.
 */
export function recordError(e) {
  return e?.status === 404 || e?.status === 403 ? i18n.global.t('common.noAccessOrNotFound') : e?.message
}

/** Load who is logged in (after a reload the cookie is there but not the token). */
export async function loadSession() {
  try {
    const me = await fetch('/api/v1/me', { credentials: 'same-origin' })
    if (me.ok) {
      const data = await me.json()
      session.user = data.user || null
      session.csrf = data.csrf_token || ''
    }
  } finally {
    session.checked = true
  }
}

/**
 * Log in with a password.  Answers null once logged in, or, for a user who
 * must give a second factor, the challenge: {challenge, enrolled, enrolment?}
 * for secondFactor() (with a new key to enrol when enrolled is false).
 */
export async function login(username, password) {
  const data = await api('POST', '/session', { username, password })
  if (data.second_factor_required) return data
  session.user = data.user
  session.csrf = data.csrf_token
  return null
}

/** The login's second step: {code} or {recovery_code}.  Answers the recovery codes when it confirmed an enrolment. */
export async function secondFactor(challenge, answer) {
  const data = await api('POST', '/session/second-factor', { challenge, ...answer })
  session.user = data.user
  session.csrf = data.csrf_token
  return data.recovery_codes || null
}

export async function logout() {
  try {
    await api('DELETE', '/session')
  } finally {
    session.user = null
    session.csrf = ''
  }
}

/** Build a query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v)
  const s = q.toString()
  return s ? `?${s}` : ''
}

/**
 * What a page shows: the answer of GET path() (a function, so that the
 * page's filters go into it; `initial` until it comes), whether it is
 * loading, and the error's message (a record's page, { record: true }, says
 * recordError's words); loaded when the page mounts and again by load().
 */
export function useFetch(path, initial, { record = false } = {}) {
  const data = ref(initial)
  const loading = ref(true) // it loads on mount: no 暂无数据 or 0 before the first answer
  const loaded = ref(false) // the first answer came: `initial` no longer stands for it
  const error = ref('')
  async function load() {
    loading.value = true
    error.value = ''
    try {
      data.value = await api('GET', path())
    } catch (e) {
      error.value = record ? recordError(e) : e.message
    } finally {
      loading.value = false
      loaded.value = true
    }
  }
  onMounted(load)
  return { data, loading, loaded, error, load }
}

/** A list a page shows: useFetch's answer's items. */
export function useList(path) {
  const { data, loading, loaded, error, load } = useFetch(path, { items: [] })
  return { items: computed(() => data.value.items), loading, loaded, error, load }
}

/**
 * A list read a page at a time (the API's ?cursor= and next_cursor):
 * load() reads the first page again, load(true) appends the next.
 * path(cursor) is the page's address, cursor '' for the first.
 */
export function usePages(path) {
  const items = ref([])
  const cursor = ref(null)
  const total = ref(null) // every page's rows, when the list counts them
  const loading = ref(true) // every page loads it on mount: no 暂无数据 before the first answer
  const error = ref('')
  async function load(more = false) {
    loading.value = !more
    error.value = ''
    try {
      const page = await api('GET', path(more ? cursor.value : ''))
      items.value = more ? items.value.concat(page.items) : page.items
      cursor.value = page.next_cursor
      if (!more) total.value = page.total ?? null // the first page counts them all
    } catch (e) {
      error.value = e.message
    } finally {
      loading.value = false
    }
  }
  return { items, cursor, total, loading, error, load }
}

/**
 * Send what a dialog asks for: dialog.saving while the request runs; done,
 * the dialog closes and the answer comes back.  Refused, the dialog stays
 * open with the refusal (dialog.refusal, the ApiError): beside its field when
 * dialog.fields maps the server's field name to one of the form's
 * (dialog.errors), else as dialog.message; the answer is then undefined.
 */
export async function submit(dialog, send) {
  Object.assign(dialog, { saving: true, message: '', refusal: null, errors: {} })
  try {
    const answer = await send()
    dialog.open = false
    return answer
  } catch (e) {
    dialog.refusal = e
    const field = dialog.fields?.[e.field]
    if (field) dialog.errors[field] = e.message
    else dialog.message = e.message
    return undefined
  } finally {
    dialog.saving = false
  }
}
