// The workbench (工作台): which card group of GET /api/v1/workbench/{group}
// is each role's home, and the side menu's badges (GET /workbench/counts:
// what waits for the user, by menu page), read again on login and on every
// change of page so a badge never outlives the work it counted.
import { reactive } from 'vue'
import { api } from './api.js'

export const groupOfRole = { officer: 'officer', department: 'bureau', agent: 'agent', leader: 'leader', admin: 'admin', security: 'admin', auditor: 'admin' }

export const badges = reactive({})

export async function refreshBadges(user) {
  const counts = user && groupOfRole[user.role] ? await api('GET', '/workbench/counts').catch(() => null) : {}
  if (!counts) return // keep the last known badges when the counts cannot be read
  for (const page of Object.keys(badges)) if (!(page in counts)) delete badges[page]
  Object.assign(badges, counts)
}
