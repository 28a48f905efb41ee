// Pages, the roles that may open them (the side menu is built from the same
// list), and the guard that sends a logged-out visitor to the login page and
// back to where they were going.  A page with a duty (meta.duty) is also the
// work of the organisations holding it: the vouchers are the commerce
// bureau's, the refunds the human resources and social security bureaus'
// (leaders read every duty's pages).  Every menu page names its module
// (meta.group): the menu shows a module's pages together.
import { createRouter, createWebHistory } from 'vue-router'
import { loadSession, session, setUnauthenticatedHandler } from './api.js'
import { waiting } from './cadres.js'
import { mine } from './supplies.js'

export const pages = [
  { path: '/', name: 'home', component: () => import('./pages/HomePage.vue'), meta: { menu: 'home', icon: 'House' } },
  { path: '/orgs', name: 'orgs', component: () => import('./pages/OrgsPage.vue'), meta: { menu: 'orgs', icon: 'OfficeBuilding', group: 'system' } },
  { path: '/users', name: 'users', component: () => import('./pages/UsersPage.vue'), meta: { menu: 'users', icon: 'User', group: 'system', roles: ['admin', 'security', 'leader'] } },
  { path: '/audit', name: 'audit', component: () => import('./pages/AuditPage.vue'), meta: { menu: 'audit', icon: 'Document', group: 'system', roles: ['auditor'] } },
  { path: '/vouchers/campaigns', name: 'voucherCampaigns', component: () => import('./pages/VoucherCampaignsPage.vue'), meta: { menu: 'voucherCampaigns', icon: 'Ticket', group: 'vouchers', roles: ['department', 'leader'], duty: 'vouchers' } },
  { path: '/vouchers/stats', name: 'voucherStats', component: () => import('./pages/VoucherStatsPage.vue'), meta: { menu: 'voucherStats', icon: 'DataAnalysis', group: 'vouchers', roles: ['department', 'leader'], duty: 'vouchers' } },
  { path: '/vouchers/merchants', name: 'voucherMerchants', component: () => import('./pages/VoucherMerchantsPage.vue'), meta: { menu: 'voucherMerchants', icon: 'Shop', group: 'vouchers', roles: ['department', 'leader'], duty: 'vouchers' } },
  { path: '/desk/problems', name: 'deskProblems', component: () => import('./pages/DeskProblemsPage.vue'), meta: { menu: 'deskProblems', icon: 'Bell', group: 'desk', roles: ['admin', 'leader', 'officer', 'agent', 'department', 'enterprise'] } },
  { path: '/desk/enterprises', name: 'deskEnterprises', component: () => import('./pages/DeskEnterprisesPage.vue'), meta: { menu: 'deskEnterprises', icon: 'Briefcase', group: 'desk', roles: ['admin', 'leader', 'officer', 'agent', 'department'] } },
  { path: '/desk/stats', name: 'deskStats', component: () => import('./pages/DeskStatsPage.vue'), meta: { menu: 'deskStats', icon: 'PieChart', group: 'desk', roles: ['admin', 'leader', 'department'] } },
  { path: '/projects', name: 'projects', component: () => import('./pages/ProjectsPage.vue'), meta: { menu: 'projects', icon: 'Flag', group: 'project', roles: ['admin', 'leader', 'officer', 'agent', 'department'] } },
  { path: '/projects/items', name: 'projectItems', component: () => import('./pages/ProjectItemsPage.vue'), meta: { menu: 'projectItems', icon: 'Stamp', group: 'project', roles: ['admin', 'department'], duty: 'approval' } },
  { path: '/projects/followups', name: 'projectFollowups', component: () => import('./pages/ProjectFollowupsPage.vue'), meta: { menu: 'projectFollowups', icon: 'Phone', group: 'project', roles: ['admin', 'officer', 'agent'] } },
  { path: '/projects/stats', name: 'projectStats', component: () => import('./pages/ProjectStatsPage.vue'), meta: { menu: 'projectStats', icon: 'Histogram', group: 'project', roles: ['admin', 'leader', 'officer', 'agent'] } },
  // 复工复产: the agency's and the investment officers' ledger of resumption; leaders read it.
  { path: '/resumption', name: 'resumption', component: () => import('./pages/ResumptionPage.vue'), meta: { menu: 'resumption', icon: 'Van', group: 'desk', roles: ['admin', 'leader', 'officer', 'agent'] } },
  { path: '/invest/leads', name: 'investLeads', component: () => import('./pages/InvestLeadsPage.vue'), meta: { menu: 'investLeads', icon: 'Promotion', group: 'invest', roles: ['admin', 'leader', 'officer'], duty: 'invest' } },
  { path: '/invest/transfers', name: 'investTransfers', component: () => import('./pages/InvestTransfersPage.vue'), meta: { menu: 'investTransfers', icon: 'Switch', group: 'invest', roles: ['admin', 'officer'], duty: 'invest' } },
  { path: '/invest/service', name: 'investService', component: () => import('./pages/InvestServicePage.vue'), meta: { menu: 'investService', icon: 'Avatar', group: 'invest', roles: ['admin', 'leader', 'officer'], duty: 'invest' } },
  { path: '/invest/ceremonies', name: 'investCeremonies', component: () => import('./pages/InvestCeremoniesPage.vue'), meta: { menu: 'investCeremonies', icon: 'EditPen', group: 'invest', roles: ['admin', 'leader', 'officer'], duty: 'invest' } },
  { path: '/invest/stats', name: 'investStats', component: () => import('./pages/InvestStatsPage.vue'), meta: { menu: 'investStats', icon: 'TrendCharts', group: 'invest', roles: ['admin', 'leader', 'officer'], duty: 'invest' } },
  { path: '/refunds/imports', name: 'refundImports', component: () => import('./pages/RefundImportsPage.vue'), meta: { menu: 'refundImports', icon: 'Upload', group: 'refunds', roles: ['department', 'leader'], duty: 'refunds' } },
  { path: '/refunds/policies', name: 'refundPolicies', component: () => import('./pages/RefundPoliciesPage.vue'), meta: { menu: 'refundPolicies', icon: 'Memo', group: 'refunds', roles: ['department', 'leader'], duty: 'refunds' } },
  { path: '/refunds/batches', name: 'refundBatches', component: () => import('./pages/RefundBatchesPage.vue'), meta: { menu: 'refundBatches', icon: 'Tickets', group: 'refunds', roles: ['department', 'leader'], duty: 'refunds' } },
  { path: '/refunds/objections', name: 'refundObjections', component: () => import('./pages/RefundObjectionsPage.vue'), meta: { menu: 'refundObjections', icon: 'ChatLineSquare', group: 'refunds', roles: ['department', 'leader'], duty: 'refunds' } },
  { path: '/refunds/accounts', name: 'refundAccounts', component: () => import('./pages/RefundAccountsPage.vue'), meta: { menu: 'refundAccounts', icon: 'CreditCard', group: 'refunds', roles: ['department', 'leader'], duty: 'refunds' } },
  { path: '/refunds/stats', name: 'refundStats', component: () => import('./pages/RefundStatsPage.vue'), meta: { menu: 'refundStats', icon: 'DataLine', group: 'refunds', roles: ['department', 'leader'], duty: 'refunds' } },
  { path: '/refunds/mine', name: 'refundMine', component: () => import('./pages/RefundMinePage.vue'), meta: { menu: 'refundMine', icon: 'Wallet', group: 'mine', roles: ['enterprise'] } },
  // 一线考核: the organisation department's (duty assessment); leaders read only the overview's figures.
  { path: '/cadres', name: 'cadresOverview', component: () => import('./pages/CadresOverviewPage.vue'), meta: { menu: 'cadresOverview', icon: 'DataBoard', group: 'cadres', roles: ['department', 'leader'], duty: 'assessment' } },
  { path: '/cadres/officials', name: 'cadresOfficials', component: () => import('./pages/CadresOfficialsPage.vue'), meta: { menu: 'cadresOfficials', icon: 'UserFilled', group: 'cadres', roles: ['department'], duty: 'assessment' } },
  { path: '/cadres/groups', name: 'cadresGroups', component: () => import('./pages/CadresGroupsPage.vue'), meta: { menu: 'cadresGroups', icon: 'Suitcase', group: 'cadres', roles: ['department'], duty: 'assessment' } },
  { path: '/cadres/assessments', name: 'cadresAssessments', component: () => import('./pages/CadresAssessmentsPage.vue'), meta: { menu: 'cadresAssessments', icon: 'Trophy', group: 'cadres', roles: ['department'], duty: 'assessment' } },
  { path: '/cadres/reserve', name: 'cadresReserve', component: () => import('./pages/CadresReservePage.vue'), meta: { menu: 'cadresReserve', icon: 'Medal', group: 'cadres', roles: ['department'], duty: 'assessment' } },
  // Whatever the role: the official's own page, and what waits for the user (shown in the menu only then).
  { path: '/cadres/mine', name: 'cadresMine', component: () => import('./pages/CadresMinePage.vue'), meta: { menu: 'cadresMine', icon: 'Location', group: 'mine', shown: (user) => !!user?.official } },
  { path: '/cadres/pending', name: 'cadresPending', component: () => import('./pages/CadresPendingPage.vue'), meta: { menu: 'cadresPending', icon: 'Finished', group: 'mine', shown: () => waiting.entries > 0 } },
  { path: '/cadres/surveys', name: 'cadresSurveys', component: () => import('./pages/CadresSurveysPage.vue'), meta: { menu: 'cadresSurveys', icon: 'Checked', group: 'mine', shown: () => waiting.surveys > 0 } },
  // 防疫物资: the store's (duty supplies) and leaders' pages; a site's members, whatever their role, find their site.
  { path: '/supplies', name: 'suppliesDashboard', component: () => import('./pages/SuppliesDashboardPage.vue'), meta: { menu: 'suppliesDashboard', icon: 'FirstAidKit', group: 'supplies', roles: ['department', 'leader'], duty: 'supplies' } },
  { path: '/supplies/requests', name: 'suppliesRequests', component: () => import('./pages/SuppliesRequestsPage.vue'), meta: { menu: 'suppliesRequests', icon: 'Box', group: 'supplies', roles: ['department'], duty: 'supplies' } },
  { path: '/supplies/stats', name: 'suppliesStats', component: () => import('./pages/SuppliesStatsPage.vue'), meta: { menu: 'suppliesStats', icon: 'DataAnalysis', group: 'supplies', roles: ['department', 'leader'], duty: 'supplies' } },
  { path: '/supplies/mine', name: 'suppliesMine', component: () => import('./pages/SuppliesSitePage.vue'), meta: { menu: 'suppliesMine', icon: 'FirstAidKit', group: 'mine', shown: () => mine.sites.length > 0 } },
  // 经济运行监测: the statistics bureaus' (duty statistics) and leaders' pages; the city's bureau alone approves and publishes.
  { path: '/indicators/screen', name: 'leaderScreen', component: () => import('./pages/LeaderScreenPage.vue'), meta: { menu: 'leaderScreen', icon: 'Monitor', group: 'indicators', roles: ['department', 'leader'], duty: 'statistics' } },
  { path: '/indicators/values', name: 'indicatorValues', component: () => import('./pages/IndicatorValuesPage.vue'), meta: { menu: 'indicatorValues', icon: 'EditPen', group: 'indicators', roles: ['department', 'leader'], duty: 'statistics' } },
  { path: '/indicators/periods', name: 'indicatorPeriods', component: () => import('./pages/IndicatorPeriodsPage.vue'), meta: { menu: 'indicatorPeriods', icon: 'Checked', group: 'indicators', roles: ['department'], duty: 'statistics' } },
  { path: '/indicators/rankings', name: 'indicatorRankings', component: () => import('./pages/IndicatorRankingsPage.vue'), meta: { menu: 'indicatorRankings', icon: 'Trophy', group: 'indicators', roles: ['department', 'leader'], duty: 'statistics' } },
  { path: '/indicators/redblack', name: 'indicatorRedBlack', component: () => import('./pages/IndicatorRedBlackPage.vue'), meta: { menu: 'indicatorRedBlack', icon: 'Flag', group: 'indicators', roles: ['department', 'leader'], duty: 'statistics' } },
  { path: '/indicators/tasks', name: 'indicatorTasks', component: () => import('./pages/IndicatorTasksPage.vue'), meta: { menu: 'indicatorTasks', icon: 'AlarmClock', group: 'indicators', roles: ['department', 'leader'], duty: 'statistics' } },
  { path: '/indicators/bulletins', name: 'bulletins', component: () => import('./pages/BulletinsPage.vue'), meta: { menu: 'bulletins', icon: 'Document', group: 'indicators', roles: ['department', 'leader'], duty: 'statistics' } },
  // 项目包与运营管护 and the green channel (特事特办): staff and leaders; a package's owner sees its own.
  { path: '/packages', name: 'packages', component: () => import('./pages/PackagesPage.vue'), meta: { menu: 'packages', icon: 'Odometer', group: 'project', roles: ['admin', 'leader', 'officer', 'agent', 'enterprise'] } },
  { path: '/projects/green-channel', name: 'greenChannel', component: () => import('./pages/GreenChannelPage.vue'), meta: { menu: 'greenChannel', icon: 'Timer', group: 'project', roles: ['admin', 'leader', 'officer', 'agent', 'department'] } },
  { path: '/account', name: 'account', component: () => import('./pages/AccountPage.vue'), meta: { menu: 'account', icon: 'Setting', group: 'mine' } },
]

// Pages reached from another page, not from the menu.
export const hidden = [
  { path: '/desk/problems/:id(\\d+)', name: 'deskProblem', component: () => import('./pages/DeskProblemPage.vue'), meta: { roles: ['admin', 'leader', 'officer', 'agent', 'department', 'enterprise'] } },
  { path: '/projects/:id(\\d+)', name: 'project', component: () => import('./pages/ProjectPage.vue'), meta: { roles: ['admin', 'leader', 'officer', 'agent', 'department'] } },
  { path: '/invest/leads/:id(\\d+)', name: 'investLead', component: () => import('./pages/InvestLeadPage.vue'), meta: { roles: ['admin', 'leader', 'officer'], duty: 'invest' } },
  { path: '/invest/ceremonies/:id(\\d+)', name: 'investCeremony', component: () => import('./pages/InvestCeremonyPage.vue'), meta: { roles: ['admin', 'leader', 'officer'], duty: 'invest' } },
  { path: '/cadres/officials/:id(\\d+)', name: 'cadresOfficial', component: () => import('./pages/CadresOfficialPage.vue'), meta: { roles: ['department'], duty: 'assessment' } },
  { path: '/cadres/groups/:id(\\d+)', name: 'cadresGroup', component: () => import('./pages/CadresGroupPage.vue'), meta: { roles: ['department'], duty: 'assessment' } },
  { path: '/cadres/assessments/:id(\\d+)', name: 'cadresAssessment', component: () => import('./pages/CadresAssessmentPage.vue'), meta: { roles: ['department'], duty: 'assessment' } },
  { path: '/supplies/sites/:id(\\d+)', name: 'suppliesSite', component: () => import('./pages/SuppliesSitePage.vue'), meta: { roles: ['leader', 'officer', 'agent', 'department'] } },
  { path: '/indicators/rankings/:code', name: 'indicatorRanking', component: () => import('./pages/IndicatorRankingsPage.vue'), meta: { roles: ['department', 'leader'], duty: 'statistics' } },
  { path: '/indicators/tasks/:id(\\d+)', name: 'indicatorTask', component: () => import('./pages/IndicatorTaskPage.vue'), meta: { roles: ['department', 'leader'], duty: 'statistics' } },
  { path: '/packages/:id(\\d+)', name: 'package', component: () => import('./pages/PackagePage.vue'), meta: { roles: ['admin', 'leader', 'officer', 'agent', 'enterprise'] } },
  { path: '/refunds/batches/:id(\\d+)', name: 'refundBatch', component: () => import('./pages/RefundBatchPage.vue'), meta: { roles: ['department', 'leader'], duty: 'refunds' } },
]

export function allowed(route, user) {
  const meta = route.meta || {}
  if (meta.roles && !meta.roles.includes(user?.role)) return false
  return !meta.duty || user?.role === 'leader' || !!user?.org?.duties?.includes(meta.duty)
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { public: true } },
    // The owner's progress query (项目进度查询): no login, outside the frame.
    { path: '/query', name: 'projectQuery', component: () => import('./pages/ProjectQueryPage.vue'), meta: { public: true } },
    // A signing party signs remotely, and anyone holding a document verifies it: no login.
    { path: '/sign/:agreement(\\d+)?', name: 'investSign', component: () => import('./pages/InvestSignPage.vue'), meta: { public: true } },
    { path: '/verify', name: 'investVerify', component: () => import('./pages/InvestVerifyPage.vue'), meta: { public: true } },
    // The refunds' publicity (稳岗返还公示): anyone reads the list and lodges an objection.
    { path: '/refunds/publicity', name: 'refundPublicity', component: () => import('./pages/RefundPublicityPage.vue'), meta: { public: true } },
    // A bulletin prints as a document and the leaders' screen fills a wall display: both outside the frame, logged in.
    { path: '/indicators/bulletins/:id(\\d+)', name: 'bulletin', component: () => import('./pages/BulletinPage.vue'), meta: { roles: ['department', 'leader'], duty: 'statistics' } },
    { path: '/indicators/bulletins/preview', name: 'bulletinPreview', component: () => import('./pages/BulletinPage.vue'), meta: { roles: ['department', 'leader'], duty: 'statistics' } },
    { path: '/screen', name: 'leaderWall', component: () => import('./pages/LeaderScreenPage.vue'), meta: { roles: ['department', 'leader'], duty: 'statistics' } },
    { path: '/', component: () => import('./components/MainLayout.vue'), children: [...pages, ...hidden] },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach(async (to) => {
  if (!session.checked) await loadSession()
  if (to.meta.public) return true
  if (!session.user) return { name: 'login', query: { redirect: to.fullPath } }
  if (!allowed(to, session.user)) return { name: 'home' }
  return true
})

setUnauthenticatedHandler(() => {
  const here = router.currentRoute.value
  if (!here.meta.public) router.push({ name: 'login', query: { redirect: here.fullPath } })
})
