import { Router, type Request, type Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import {
  alertExportQuerySchema,
  peopleColumns,
  trendQuerySchema,
  type AckTrendRow,
  type Alert,
  type TrendRow,
} from '@tansiq/shared';
import { parseInput } from '../http/errors.ts';
import { authOf, requestContext, requireAuth } from '../access/access.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { TrendsService } from './trends.service.ts';

/**
 * A text cell a spreadsheet would run as a formula (=, +, -, @, tab, return first) is prefixed with
 * an apostrophe (OWASP "CSV injection"); numbers and times are written as they are.
 */
const inert = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

function alertRow(a: Alert): Record<string, string | number> {
  return {
    id: a.id,
    createdAt: a.createdAt,
    observedAt: a.observedAt,
    centre: a.centre,
    category: a.category,
    severity: a.severity,
    status: a.status,
    tlp: a.tlp,
    recipients: a.recipients.join(' '),
    title: inert(a.title),
    description: inert(a.description),
    lat: a.location.lat,
    lng: a.location.lng,
    crossing: a.crossing ?? '',
    sector: a.sector ?? '',
    ...Object.fromEntries(peopleColumns.map((f) => [f, a.people ? a.people[f] : ''])),
  };
}

function trendRow(r: TrendRow | AckTrendRow): Record<string, string | number> {
  if ('people' in r) {
    const { people, ...rest } = r;
    return { ...rest, ...people };
  }
  return { ...r, medianSeconds: r.medianSeconds ?? '', p90Seconds: r.p90Seconds ?? '' };
}

/** UTF-8 with a byte-order mark (so a spreadsheet opens Arabic correctly), CRLF, a header row. */
function sendCsv(
  res: Response,
  name: string,
  rows: Array<Record<string, string | number>>,
  columns: string[],
): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
  res.send(stringify(rows, { header: true, columns, bom: true, record_delimiter: 'windows' }));
}

const ALERT_COLUMNS = [
  'id',
  'createdAt',
  'observedAt',
  'centre',
  'category',
  'severity',
  'status',
  'tlp',
  'recipients',
  'title',
  'description',
  'lat',
  'lng',
  'crossing',
  'sector',
  ...peopleColumns,
];
const COUNT_COLUMNS = ['period', 'key', 'alerts', 'withPeople', ...peopleColumns];
const ACK_COLUMNS = ['period', 'centre', 'acknowledged', 'medianSeconds', 'p90Seconds'];

export function trendsRoutes(auth: AuthService, trends: TrendsService): Router {
  const router = Router();
  router.use('/api/v1/trends', requireAuth(auth));
  router.use('/api/v1/alerts/export.csv', requireAuth(auth));
  router.use('/api/v1/alerts/export.json', requireAuth(auth));
  const source = (req: Request) => requestContext(req).source;

  router.get('/api/v1/trends', async (req, res) => {
    const query = parseInput(trendQuerySchema, req.query);
    res.json(await trends.trends(authOf(req), query, source(req)));
  });

  for (const format of ['csv', 'json'] as const) {
    router.get(`/api/v1/trends/export.${format}`, async (req, res) => {
      const query = parseInput(trendQuerySchema, req.query);
      const rows = await trends.trendsForExport(authOf(req), query, format, source(req));
      const name = `tansiq-trends-${query.table}-${query.by}-${query.period}`;
      if (format === 'json') res.json({ ...query, timeZone: trends.timeZone, rows });
      else
        sendCsv(
          res,
          `${name}.csv`,
          rows.map(trendRow),
          query.table === 'acknowledgement' ? ACK_COLUMNS : COUNT_COLUMNS,
        );
    });

    router.get(`/api/v1/alerts/export.${format}`, async (req, res) => {
      const query = parseInput(alertExportQuerySchema, req.query);
      const rows = await trends.alertsForExport(authOf(req), query, format, source(req));
      if (format === 'json') res.json({ alerts: rows });
      else sendCsv(res, 'tansiq-alerts.csv', rows.map(alertRow), ALERT_COLUMNS);
    });
  }
  return router;
}
