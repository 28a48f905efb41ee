// Chinese first; English can be switched to, and the choice is remembered.
import { createI18n } from 'vue-i18n'

const messages = {
  'zh-CN': {
    app: { title: '榕城经济服务平台', short: '榕城' },
    menu: {
      home: '首页', orgs: '组织机构', users: '用户与角色', audit: '审计日志', account: '我的账号',
      voucherCampaigns: '消费券活动', voucherStats: '消费券统计', voucherMerchants: '商户',
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
