// What the voucher statistics page draws and can be checked without a browser.
import { escapeHtml, formatMoney } from './format.js'

/**
 * The tooltip of the consumption-and-subsidy chart by district (rows as
 * GET /api/v1/vouchers/stats gives by_district): the district, then each
 * series' exact amount.  ECharts shows the result as HTML: names are escaped;
 * the markers are ECharts' own.
 */
export function districtTooltip(rows) {
  return (items) =>
    [
      escapeHtml(items[0].name),
      ...items.map((i) => `${i.marker}${escapeHtml(i.seriesName)}: ${formatMoney(rows[i.dataIndex][i.seriesIndex ? 'subsidy_fen' : 'consumption_fen'])}`),
    ].join('<br/>')
}
