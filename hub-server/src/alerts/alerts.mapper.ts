import {
  boardAlertSchema,
  peopleTotal,
  type People,
  readsBoardFieldsOnly,
  type Alert,
  type BoardAlert,
  type Principal,
} from '@tansiq/shared';
import type { AlertRow } from './alerts.table.ts';

export interface Receipt {
  centre: string;
  deliveredAt: Date | null;
  acknowledgedAt: Date | null;
}

export function toAlert(row: AlertRow, receipts: Receipt[]): Alert {
  return {
    id: row.id,
    centre: row.centre,
    category: row.category,
    severity: row.severity,
    title: row.title,
    description: row.description,
    location: { lat: row.lat, lng: row.lng },
    crossing: row.crossing,
    sector: row.sector,
    observedAt: row.observedAt.toISOString(),
    reporterId: row.reporterId,
    tlp: row.tlp,
    recipients: row.recipients,
    status: row.status,
    people: (row.people as People | null) ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    receipts: row.recipients.map((centre) => {
      const r = receipts.find((x) => x.centre === centre);
      return {
        centre,
        deliveredAt: r?.deliveredAt?.toISOString() ?? null,
        acknowledgedAt: r?.acknowledgedAt?.toISOString() ?? null,
      };
    }),
  };
}

/** What a reader receives of an alert: a board screen gets the board fields only (DESIGN's table). */
export function alertForReader(principal: Pick<Principal, 'role'>, alert: Alert): Alert | BoardAlert {
  if (!readsBoardFieldsOnly(principal)) return alert;
  // The board counts people, it does not see who they are.
  return boardAlertSchema.parse({ ...alert, peopleTotal: alert.people ? peopleTotal(alert.people) : null });
}
