// Work resumption (复工复产) in the console: a rate as a percentage, and a
// record's light — red while not resumed or under 80% of its crew, yellow
// under 95%, green above (the dashboard's rule, said on the page).

export const lightTag = { red: 'danger', yellow: 'warning', green: 'success' }

/** A share (0.985) as "98.5%"; "—" when there is none. */
export function percent(share) {
  return share == null ? '—' : `${(Math.round(share * 1000) / 10).toFixed(1)}%`
}

/** A record's light: red, yellow or green. */
export function arrivalLight(record) {
  if (!record.resumed || record.arrival_rate == null || record.arrival_rate < 0.8) return 'red'
  return record.arrival_rate < 0.95 ? 'yellow' : 'green'
}
