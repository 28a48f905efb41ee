// The organisation tree from the API's flat list (GET /api/v1/orgs): each
// item has a parent_code; node(org) gives what the tree shows of one.  An
// organisation whose parent is outside the list (the caller's own, at the
// top of its scope) becomes a root.
export function orgTree(orgs, node = (o) => ({ value: o.code, label: o.name })) {
  const byCode = new Map(orgs.map((o) => [o.code, { ...node(o), children: [] }]))
  const roots = []
  for (const o of orgs) (byCode.get(o.parent_code)?.children || roots).push(byCode.get(o.code))
  return roots
}
