// The icons the console shows, registered by name (the menu's entries name theirs in
// router.js, pages write <Download />): only these go into the bundle, not the whole set.
// A page or menu entry with a new icon adds it here.
export {
  AlarmClock, Avatar, Bell, Box, Briefcase, ChatLineSquare, Checked, CreditCard, DataAnalysis, DataBoard, DataLine, Document,
  Download, EditPen, Expand, Finished, FirstAidKit, Flag, Fold, Histogram, House, Location, Medal, Memo, Menu, Monitor, Odometer,
  OfficeBuilding, Phone, PieChart, Promotion, Refresh, Setting, Shop, Stamp, Suitcase, Switch, Ticket, Tickets, Timer, TrendCharts,
  Trophy, Upload, User, UserFilled, Van, Wallet,
} from '@element-plus/icons-vue'
