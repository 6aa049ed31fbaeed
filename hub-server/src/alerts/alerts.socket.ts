import { z } from 'zod';
import {
  alertEscalateSchema,
  alertResolveSchema,
  alertUpdateSchema,
  createAlertSchema,
} from '@tansiq/shared';
import { socketRequest } from '../realtime/handlers.ts';
import type { SocketRegistrar } from '../realtime/socket-server.ts';
import type { AlertsService } from './alerts.service.ts';

const alertId = { alertId: z.uuid() };
const updateRequest = alertUpdateSchema.extend(alertId);
const resolveRequest = alertResolveSchema.extend(alertId);
const escalateRequest = alertEscalateSchema.extend(alertId);

/** Socket requests for alerts: the same service calls as the REST routes. */
export function alertsSocket(alerts: AlertsService): SocketRegistrar {
  return (socket, guard) => {
    const auth = () => socket.data.auth;
    const source = socket.handshake.address;
    socket.on(
      'alert:create',
      socketRequest(
        createAlertSchema,
        async (input) => ({ alert: (await alerts.create(auth(), input, source)).alert }),
        guard,
      ),
    );
    socket.on(
      'alert:update',
      socketRequest(
        updateRequest,
        async ({ alertId, ...input }) => ({ alert: await alerts.update(auth(), alertId, input, source) }),
        guard,
      ),
    );
    socket.on(
      'alert:ack',
      socketRequest(
        z.strictObject(alertId),
        async ({ alertId }) => ({ alert: await alerts.acknowledge(auth(), alertId, source) }),
        guard,
      ),
    );
    socket.on(
      'alert:resolve',
      socketRequest(
        resolveRequest,
        async ({ alertId, ...input }) => ({ alert: await alerts.resolve(auth(), alertId, input, source) }),
        guard,
      ),
    );
    socket.on(
      'alert:escalate',
      socketRequest(
        escalateRequest,
        async ({ alertId, ...input }) => ({ alert: await alerts.escalate(auth(), alertId, input, source) }),
        guard,
      ),
    );
  };
}
