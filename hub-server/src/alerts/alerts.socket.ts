import { z } from 'zod';
import {
  alertEscalateSchema,
  alertReopenSchema,
  alertResolveFields,
  falseAlarmSaysWhy,
  alertUpdateFields,
  updateSaysSomething,
  createAlertSchema,
} from '@tansiq/shared';
import { route } from '../realtime/socket-requests.ts';
import type { SocketRegistrar } from '../realtime/socket-server.ts';
import type { AlertsService } from './alerts.service.ts';

const alertId = { alertId: z.uuid() };
const updateRequest = alertUpdateFields.extend(alertId).refine(...updateSaysSomething);
const resolveRequest = alertResolveFields.extend(alertId).refine(...falseAlarmSaysWhy);
const escalateRequest = alertEscalateSchema.extend(alertId);
const reopenRequest = alertReopenSchema.extend(alertId);

/** Socket requests for alerts: the same service calls as the REST routes. */
export function alertsSocket(alerts: AlertsService): SocketRegistrar {
  return (socket) => {
    const auth = () => socket.data.auth;
    const source = socket.handshake.address;
    return {
      'alert:create': route(
        createAlertSchema,
        async (input) => ({ alert: (await alerts.create(auth(), input, source)).alert }),
        { cost: 2 },
      ),
      'alert:update': route(updateRequest, async ({ alertId, ...input }) => ({
        alert: await alerts.update(auth(), alertId, input, source),
      })),
      'alert:ack': route(z.strictObject(alertId), async ({ alertId }) => ({
        alert: await alerts.acknowledge(auth(), alertId, source),
      })),
      'alert:resolve': route(resolveRequest, async ({ alertId, ...input }) => ({
        alert: await alerts.resolve(auth(), alertId, input, source),
      })),
      'alert:escalate': route(escalateRequest, async ({ alertId, ...input }) => ({
        alert: await alerts.escalate(auth(), alertId, input, source),
      })),
      'alert:reopen': route(reopenRequest, async ({ alertId, ...input }) => ({
        alert: await alerts.reopen(auth(), alertId, input, source),
      })),
    };
  };
}
