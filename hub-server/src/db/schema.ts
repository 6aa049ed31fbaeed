// Every table, gathered for Drizzle and drizzle-kit. Tables live beside their domain.
export { centres } from '../centres/centres.table.ts';
export { users } from '../users/users.table.ts';
export { sessions, refreshTokens } from '../auth/sessions.table.ts';
export { auditLog } from '../audit/audit.table.ts';
export { alerts } from '../alerts/alerts.table.ts';
export { briefs, briefThread, briefAttachments } from '../briefs/briefs.table.ts';
export { alertAcks, alertUpdates, alertDeliveries, alertDeadlines } from '../alerts/alert-activity.table.ts';
export { events } from '../events/events.table.ts';
export { centrePresence, hubNodes } from '../presence/presence.table.ts';
export { handovers, handoverThread, handoverAddenda, handoverOverdue } from '../handovers/handovers.table.ts';
export { meetings, meetingDecisions, actionItems } from '../meetings/meetings.table.ts';
export { boardDevices, boardPairings } from '../board/board-devices.table.ts';
