// Chinese first; English can be switched to, and the choice is remembered.
import { createI18n } from 'vue-i18n'

const messages = {
  'zh-CN': {
    app: { title: '榕城经济服务平台', short: '榕城' },
    menu: {
      home: '首页', orgs: '组织机构', users: '用户与角色', audit: '审计日志', account: '我的账号',
      voucherCampaigns: '消费券活动', voucherStats: '消费券统计', voucherMerchants: '商户',
      deskProblems: '问题督办', deskEnterprises: '企业', deskStats: '问题分析',
    },
    login: {
      title: '登录', username: '用户名', password: '密码', submit: '登录',
      required: '请输入用户名和密码',
    },
    common: {
      logout: '退出', search: '查询', reset: '重置', save: '保存', cancel: '取消', create: '新建', edit: '编辑',
      more: '加载更多', actions: '操作', language: '语言', exportExcel: '导出 Excel', exportCsv: '导出 CSV',
      saved: '已保存', noMore: '没有更多了', all: '全部', yes: '是', no: '否',
    },
    home: {
      welcome: '欢迎,{name}', orgs: '组织机构', districts: '县(市)区', departments: '部门', usersActive: '在用账号',
      usersDisabled: '停用账号', auditToday: '今日操作', auditChart: '近 30 天每日操作数', orgChart: '组织机构构成',
      firstRender: '首屏渲染',
    },
    kinds: { city: '市', district: '县(市)区', department: '部门', unit: '单位' },
    users: {
      username: '用户名', displayName: '姓名', role: '角色', org: '所属机构', status: '状态', created: '创建时间',
      password: '初始密码', active: '在用', disabled: '已停用', disable: '停用', enable: '启用',
      resetPassword: '重置密码', newPassword: '新密码', createTitle: '新建用户', editTitle: '修改用户',
      confirmDisable: '停用后该用户将被立即退出登录,确定停用 {name}?', keyword: '用户名或姓名',
      passwordReset: '密码已重置,该用户需重新登录',
    },
    roles: {
      admin: '系统管理员', leader: '领导', officer: '招商专员', agent: '代办员', department: '审批部门',
      enterprise: '企业', merchant: '商户', channel: '支付渠道',
    },
    audit: {
      at: '时间', actor: '操作人', action: '操作', object: '对象', detail: '详情', ip: 'IP', dateRange: '日期范围',
      actionPrefix: '操作(如 user.)', start: '开始日期', end: '结束日期',
    },
    vouchers: {
      categories: { catering: '餐饮', retail: '零售', car: '汽车', culture: '文化', tourism: '旅游', sports: '体育', other: '其他' },
      status: { upcoming: '未开始', open: '进行中', ended: '已结束' },
      live: '实时', offline: '连接中断,正在重连',
      newCampaign: '新建活动', campaignName: '活动名称', campaignOrg: '主办单位', noCampaigns: '暂无消费券活动',
      newRound: '新建一期', roundName: '期次名称', roundTime: '领取时间', channels: '支付渠道', start: '开始时间', end: '结束时间',
      channelsHint: '选择支付渠道', noRounds: '尚未设置期次', noKinds: '尚未设置券种',
      newKind: '新增券种', kindName: '券种名称', face: '面额', threshold: '使用门槛', yuan: '元', noThreshold: '无门槛',
      stock: '发放数量', claimed: '已领取', remaining: '剩余', perPerson: '每人限领', validity: '有效期(天)', progress: '领取进度',
      kindCategories: '适用行业', allocate: '按渠道分配库存', allocationsSum: '已分配 {sum} / {stock} 张',
      faceThreshold: '满{threshold}减{face}',
      campaign: '活动', round: '期次', district: '县(市)区', category: '行业',
      cards: { issued: '发放', claimed: '领取', redeemed: '核销', subsidy: '财政补贴', consumption: '带动消费', leverage: '杠杆率', expired: '过期' },
      redeemed: '核销', subsidy: '财政补贴', consumption: '带动消费', leverage: '杠杆率',
      reversed: '已撤销核销 {n} 笔', byDistrict: '各县(市)区带动消费', byMerchant: '商户核销排行', merchant: '商户',
      register: '登记商户', merchantName: '商户名称', creditCode: '统一社会信用代码', active: '在用',
      inactive: '已停用', keyword: '商户名称或信用代码', noMerchantList: '商户列表暂不可用:{msg}',
      created: '已创建', refresh: '刷新', soldOut: '已领完', units: { yuan: '元', wan: '万元', yi: '亿元' },
    },
    desk: {
      waiting: '待我处理', all: '全部', raise: '提交问题', title: '问题', enterprise: '企业', category: '类别',
      department: '承办部门', district: '县(市)区', status: '状态', light: '时限', escalation: '升级', created: '提交时间',
      description: '问题描述', project: '关联项目', lead: '关联线索', noWaiting: '暂无待您处理的问题', noProblems: '暂无问题',
      pickEnterprise: '选择企业', enterpriseId: '企业编号', enterpriseIdHint: '未找到您关联的企业,请输入企业编号',
      raised: '问题已提交', detail: '问题详情', back: '返回列表', due: { accept: '受理时限', answer: '答复时限', solve: '办结时限' },
      limits: '受理 {accept} / 答复 {answer} / 办结 {solve} 个工作日',
      statuses: { submitted: '待受理', accepted: '已受理', in_progress: '办理中', answered: '已答复', closed: '已办结' },
      lights: { green: '正常', yellow: '临期', red: '超期' },
      escalations: { 0: '未升级', 1: '升级至区县', 2: '升级至市级' },
      events: {
        submit: '提交问题', accept: '受理', start: '开始办理', answer: '答复', reopen: '重新办理', confirm: '确认办结',
        route: '转办', comment: '留言', escalate: '超时升级',
      },
      actions: { accept: '受理', start: '开始办理', answer: '答复', confirm: '确认办结', reopen: '重新办理', route: '转办' },
      answerText: '答复内容', reopenText: '仍未解决的情况', rating: '满意度评分', ratingComment: '评价', routeTo: '转至部门',
      reason: '转办理由', comment: '留言', addComment: '发表留言', timeline: '办理过程', reopened: '重新办理 {n} 次',
      rated: '评分', done: '已完成操作:{action}', commented: '留言已发表', handOver: '{from} → {to}',
      escalatedTo: '升级至{to}', actor: '操作人', live: '实时', offline: '连接中断,正在重连',
      register: '登记企业', name: '企业名称', creditCode: '统一社会信用代码', industry: '行业', contactName: '联系人',
      contactPhone: '联系电话', keyword: '企业名称或信用代码', registered: '企业已登记', noEnterprises: '暂无企业',
      account: '关联账号', accountUser: '企业账号用户名', linked: '已关联账号 {name}',
      cards: {
        total: '问题总数', overdue: '超期', escalated: '已升级', onTime: '按时答复率', satisfaction: '满意度',
        medianAccept: '受理用时中位数', medianSolve: '办结用时中位数',
      },
      hours: '{n} 小时', minutes: '{n} 分钟', rated_n: '{n} 条评价', byDepartment: '各部门问题数与超期', byCategory: '问题类别构成',
      tableCategory: '按类别', tableDepartment: '按部门', tableDistrict: '按县(市)区', count: '问题数', closed: '已办结',
      onTimeCount: '按时答复', dateRange: '提交日期', start: '开始日期', end: '结束日期',
    },
    account: {
      title: '我的账号', oldPassword: '原密码', newPassword: '新密码', confirmPassword: '确认新密码',
      change: '修改密码', mismatch: '两次输入的新密码不一致', changed: '密码已修改', language: '界面语言',
    },
  },
  en: {
    app: { title: 'Banyan City Economic Services', short: 'Banyan' },
    menu: {
      home: 'Home', orgs: 'Organisations', users: 'Users & roles', audit: 'Audit log', account: 'My account',
      voucherCampaigns: 'Voucher campaigns', voucherStats: 'Voucher statistics', voucherMerchants: 'Merchants',
      deskProblems: 'Problem desk', deskEnterprises: 'Enterprises', deskStats: 'Problem analysis',
    },
    login: {
      title: 'Log in', username: 'Username', password: 'Password', submit: 'Log in',
      required: 'Enter your username and password',
    },
    common: {
      logout: 'Log out', search: 'Search', reset: 'Reset', save: 'Save', cancel: 'Cancel', create: 'New', edit: 'Edit',
      more: 'Load more', actions: 'Actions', language: 'Language', exportExcel: 'Export Excel', exportCsv: 'Export CSV',
      saved: 'Saved', noMore: 'No more', all: 'All', yes: 'Yes', no: 'No',
    },
    home: {
      welcome: 'Welcome, {name}', orgs: 'Organisations', districts: 'Districts', departments: 'Departments',
      usersActive: 'Active accounts', usersDisabled: 'Disabled accounts', auditToday: 'Actions today',
      auditChart: 'Actions per day, last 30 days', orgChart: 'Organisations by kind', firstRender: 'First render',
    },
    kinds: { city: 'City', district: 'District', department: 'Department', unit: 'Unit' },
    users: {
      username: 'Username', displayName: 'Name', role: 'Role', org: 'Organisation', status: 'Status', created: 'Created',
      password: 'Initial password', active: 'Active', disabled: 'Disabled', disable: 'Disable', enable: 'Enable',
      resetPassword: 'Reset password', newPassword: 'New password', createTitle: 'New user', editTitle: 'Edit user',
      confirmDisable: 'The user will be logged out at once. Disable {name}?', keyword: 'Username or name',
      passwordReset: 'Password reset; the user must log in again',
    },
    roles: {
      admin: 'Administrator', leader: 'Leader', officer: 'Investment officer', agent: 'Agent', department: 'Department',
      enterprise: 'Enterprise', merchant: 'Merchant', channel: 'Payment channel',
    },
    audit: {
      at: 'Time', actor: 'Actor', action: 'Action', object: 'Object', detail: 'Detail', ip: 'IP', dateRange: 'Dates',
      actionPrefix: 'Action (e.g. user.)', start: 'From', end: 'To',
    },
    vouchers: {
      categories: { catering: 'Catering', retail: 'Retail', car: 'Cars', culture: 'Culture', tourism: 'Tourism', sports: 'Sports', other: 'Other' },
      status: { upcoming: 'Not started', open: 'Open', ended: 'Ended' },
      live: 'Live', offline: 'Connection lost, reconnecting',
      newCampaign: 'New campaign', campaignName: 'Campaign', campaignOrg: 'Run by', noCampaigns: 'No voucher campaigns yet',
      newRound: 'New round', roundName: 'Round', roundTime: 'Claiming period', channels: 'Payment channels', start: 'Starts', end: 'Ends',
      channelsHint: 'Choose payment channels', noRounds: 'No rounds yet', noKinds: 'No kinds of voucher yet',
      newKind: 'New kind', kindName: 'Kind', face: 'Face value', threshold: 'Minimum spend', yuan: 'yuan', noThreshold: 'No minimum',
      stock: 'Stock', claimed: 'Claimed', remaining: 'Remaining', perPerson: 'Per person', validity: 'Valid for (days)', progress: 'Claimed so far',
      kindCategories: 'Categories', allocate: 'Split the stock between channels', allocationsSum: '{sum} of {stock} allocated',
      faceThreshold: '{face} off {threshold}',
      campaign: 'Campaign', round: 'Round', district: 'District', category: 'Category',
      cards: { issued: 'Issued', claimed: 'Claimed', redeemed: 'Redeemed', subsidy: 'Subsidy', consumption: 'Consumption driven', leverage: 'Leverage', expired: 'Expired' },
      redeemed: 'Redeemed', subsidy: 'Subsidy', consumption: 'Consumption driven', leverage: 'Leverage',
      reversed: '{n} redemptions reversed', byDistrict: 'Consumption driven by district', byMerchant: 'Merchants by redemptions', merchant: 'Merchant',
      register: 'Register merchant', merchantName: 'Merchant', creditCode: 'Unified social credit code', active: 'Active',
      inactive: 'Inactive', keyword: 'Name or credit code', noMerchantList: 'The merchant list is not available: {msg}',
      created: 'Created', refresh: 'Refresh', soldOut: 'All claimed', units: { yuan: 'yuan', wan: '10k yuan', yi: '100m yuan' },
    },
    desk: {
      waiting: 'Waiting on me', all: 'All', raise: 'Raise a problem', title: 'Problem', enterprise: 'Enterprise', category: 'Category',
      department: 'Department', district: 'District', status: 'Status', light: 'Deadline', escalation: 'Escalation', created: 'Raised',
      description: 'Description', project: 'Project', lead: 'Lead', noWaiting: 'Nothing waits on you', noProblems: 'No problems',
      pickEnterprise: 'Choose an enterprise', enterpriseId: 'Enterprise number', enterpriseIdHint: 'No linked enterprise found; enter its number',
      raised: 'Problem raised', detail: 'Problem', back: 'Back to the list', due: { accept: 'Accept by', answer: 'Answer by', solve: 'Solve by' },
      limits: 'accept {accept} / answer {answer} / solve {solve} working days',
      statuses: { submitted: 'Submitted', accepted: 'Accepted', in_progress: 'In progress', answered: 'Answered', closed: 'Closed' },
      lights: { green: 'On time', yellow: 'Due soon', red: 'Overdue' },
      escalations: { 0: 'Not escalated', 1: 'Escalated to the district', 2: 'Escalated to the city' },
      events: {
        submit: 'Raised', accept: 'Accepted', start: 'Work started', answer: 'Answered', reopen: 'Reopened', confirm: 'Confirmed solved',
        route: 'Handed over', comment: 'Comment', escalate: 'Escalated',
      },
      actions: { accept: 'Accept', start: 'Start work', answer: 'Answer', confirm: 'Confirm solved', reopen: 'Reopen', route: 'Hand over' },
      answerText: 'Answer', reopenText: 'What is still unsolved', rating: 'Rating', ratingComment: 'Comment', routeTo: 'To department',
      reason: 'Reason', comment: 'Comment', addComment: 'Post comment', timeline: 'History', reopened: 'Reopened {n} times',
      rated: 'Rating', done: 'Done: {action}', commented: 'Comment posted', handOver: '{from} → {to}',
      escalatedTo: 'Escalated to {to}', actor: 'By', live: 'Live', offline: 'Connection lost, reconnecting',
      register: 'Register enterprise', name: 'Enterprise', creditCode: 'Unified social credit code', industry: 'Industry', contactName: 'Contact',
      contactPhone: 'Phone', keyword: 'Name or credit code', registered: 'Enterprise registered', noEnterprises: 'No enterprises',
      account: 'Link account', accountUser: 'Enterprise account username', linked: 'Account {name} linked',
      categories: { land: 'Land', financing: 'Financing', labour: 'Labour', approvals: 'Approvals', utilities: 'Utilities', policy: 'Policy', other: 'Other' },
      cards: {
        total: 'Problems', overdue: 'Overdue', escalated: 'Escalated', onTime: 'Answered on time', satisfaction: 'Satisfaction',
        medianAccept: 'Median time to accept', medianSolve: 'Median time to solve',
      },
      hours: '{n} h', minutes: '{n} min', rated_n: '{n} ratings', byDepartment: 'Problems and overdue by department', byCategory: 'Problems by category',
      tableCategory: 'By category', tableDepartment: 'By department', tableDistrict: 'By district', count: 'Problems', closed: 'Closed',
      onTimeCount: 'Answered on time', dateRange: 'Raised', start: 'From', end: 'To',
    },
    account: {
      title: 'My account', oldPassword: 'Current password', newPassword: 'New password',
      confirmPassword: 'Confirm new password', change: 'Change password', mismatch: 'The new passwords differ',
      changed: 'Password changed', language: 'Language',
    },
  },
}

const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('banyan.locale') : null

export const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages,
})

export function setLocale(locale) {
  i18n.global.locale.value = locale
  localStorage.setItem('banyan.locale', locale)
  document.documentElement.lang = locale
}
