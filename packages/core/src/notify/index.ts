export {
  type DecidingItem,
  decidingItem,
  type NotificationContent,
  type NotificationContext,
  notificationContent,
  notifyEventOf,
  OUTCOMES,
  outcomeOfReport,
  wantsEvent,
} from './event.ts';
export {
  escapeSlack,
  escapeTeams,
  notificationPayload,
  notificationTitle,
  slackPayload,
  teamsPayload,
  type WebhookPayload,
  webhookPayload,
} from './payloads.ts';
export {
  type PlannedNotification,
  type PlanNotificationsOptions,
  planNotifications,
  targetName,
} from './plan.ts';
