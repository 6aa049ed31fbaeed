import { randomUUID } from 'node:crypto';
import { schema, type AppDb, type Database } from '@tansiq/hub-server';
import {
  alertCases,
  briefCases,
  designMaySeeAlert,
  designMaySeeBrief,
  designMaySeeMeeting,
  type MeetingThing,
} from './access-model.ts';

/** Every TLP × a spread of participating centres. */
export function meetingCases(): MeetingThing[] {
  const sets = [['EAST'], ['EAST', 'SOUTH'], ['STUDIES'], ['EAST', 'WEST', 'SOUTH', 'STUDIES']];
  return (['CLEAR', 'GREEN', 'AMBER', 'RED'] as const).flatMap((tlp) =>
    sets.map((centres) => ({ tlp, centres })),
  );
}
import { testUsers, type TestUser } from './users.ts';

export interface MatrixResult {
  checks: number;
  leaks: string[];
  wrongRefusals: string[];
}

/**
 * Inserts every alert and brief case (with an attachment and a review-thread entry each) as the
 * owner (no row-level security), then reads each table
 * as every test user through `asUser` (the application role with the user's claims) and compares
 * what the database lets through with the DESIGN model.
 */
export async function runRlsMatrix(
  database: Database,
  owner: AppDb,
  ids: Map<string, string>,
): Promise<MatrixResult> {
  const reporter = ids.get('officer.east')!;
  const analyst = ids.get('analyst')!;
  const alerts = alertCases().map((c) => ({ ...c, id: randomUUID() }));
  const briefs = briefCases().map((c) => ({ ...c, id: randomUUID() }));
  await owner.insert(schema.alerts).values(
    alerts.map((a) => ({
      ...a,
      category: 'smuggling' as const,
      severity: 'high' as const,
      title: `alert ${a.id}`,
      lat: 25,
      lng: 15,
      reporterId: reporter,
    })),
  );
  await owner
    .insert(schema.briefs)
    .values(briefs.map((b) => ({ ...b, seriesId: b.id, title: `brief ${b.id}`, authorId: analyst })));
  // One attachment and one review-thread entry per brief version.
  const attachmentOf = new Map(briefs.map((b) => [b.id, randomUUID()]));
  const threadOf = new Map(briefs.map((b) => [b.id, randomUUID()]));
  await owner.insert(schema.briefAttachments).values(
    briefs.map((b) => ({
      id: attachmentOf.get(b.id)!,
      briefId: b.id,
      fileName: 'a.pdf',
      size: 4,
      sha256: '0'.repeat(64),
      content: Buffer.from('%PDF'),
      userId: analyst,
      userName: 'analyst',
    })),
  );
  await owner.insert(schema.briefThread).values(
    briefs.map((b) => ({
      id: threadOf.get(b.id)!,
      seriesId: b.id,
      version: 1,
      kind: 'submitted' as const,
      userId: analyst,
      userName: 'analyst',
    })),
  );

  // One decision and one action item per meeting (owned by a participating joint centre, or EAST).
  const coordinator = ids.get('coordinator')!;
  const meetingRows = meetingCases().map((m) => ({
    ...m,
    id: randomUUID(),
    decision: randomUUID(),
    action: randomUUID(),
  }));
  await owner.insert(schema.meetings).values(
    meetingRows.map((m) => ({
      id: m.id,
      title: `meeting ${m.id}`,
      startsAt: new Date(),
      centres: m.centres,
      tlp: m.tlp,
      createdBy: coordinator,
      createdByName: 'coordinator',
    })),
  );
  await owner.insert(schema.meetingDecisions).values(
    meetingRows.map((m) => ({
      id: m.decision,
      meetingId: m.id,
      text: 'd',
      byId: coordinator,
      byName: 'c',
    })),
  );
  await owner.insert(schema.actionItems).values(
    meetingRows.map((m) => ({
      id: m.action,
      meetingId: m.id,
      title: 'a',
      centre: m.centres.find((c) => c !== 'STUDIES') ?? 'EAST',
      dueAt: new Date(),
      createdBy: coordinator,
      createdByName: 'c',
    })),
  );

  const result: MatrixResult = { checks: 0, leaks: [], wrongRefusals: [] };
  const compare = (u: TestUser, kind: string, id: string, seen: boolean, allowed: boolean, what: object) => {
    result.checks++;
    if (seen && !allowed) result.leaks.push(`${u.username} saw ${kind} ${JSON.stringify(what)}`);
    if (!seen && allowed) result.wrongRefusals.push(`${u.username} missed ${kind} ${JSON.stringify(what)}`);
  };
  for (const u of testUsers) {
    const principal = { userId: ids.get(u.username)!, role: u.role, centre: u.centre };
    const [seenAlerts, seenBriefs, seenAttachments, seenThread] = await database.asUser(
      principal,
      async (tx) => [
        new Set((await tx.select({ id: schema.alerts.id }).from(schema.alerts)).map((r) => r.id)),
        new Set((await tx.select({ id: schema.briefs.id }).from(schema.briefs)).map((r) => r.id)),
        new Set(
          (await tx.select({ id: schema.briefAttachments.id }).from(schema.briefAttachments)).map(
            (r) => r.id,
          ),
        ),
        new Set((await tx.select({ id: schema.briefThread.id }).from(schema.briefThread)).map((r) => r.id)),
      ],
    );
    for (const { id, ...a } of alerts)
      compare(u, 'alert', id, seenAlerts.has(id), designMaySeeAlert(u, a), a);
    for (const { id, ...b } of briefs) {
      compare(u, 'brief', id, seenBriefs.has(id), designMaySeeBrief(u, b), b);
      // An attachment is readable exactly when its version is; the review thread by analysts only.
      compare(
        u,
        'attachment of brief',
        id,
        seenAttachments.has(attachmentOf.get(id)!),
        designMaySeeBrief(u, b),
        b,
      );
      compare(u, 'thread of brief', id, seenThread.has(threadOf.get(id)!), u.role === 'analyst', b);
    }
    const [seenMeetings, seenDecisions, seenActions] = await database.asUser(principal, async (tx) => [
      new Set((await tx.select({ id: schema.meetings.id }).from(schema.meetings)).map((r) => r.id)),
      new Set(
        (await tx.select({ id: schema.meetingDecisions.id }).from(schema.meetingDecisions)).map((r) => r.id),
      ),
      new Set((await tx.select({ id: schema.actionItems.id }).from(schema.actionItems)).map((r) => r.id)),
    ]);
    for (const m of meetingRows) {
      const what = { tlp: m.tlp, centres: m.centres };
      compare(u, 'meeting', m.id, seenMeetings.has(m.id), designMaySeeMeeting(u, m), what);
      // Decisions and action items as their meeting; a board reads neither (it gets counts from the hub).
      const detail = designMaySeeMeeting(u, m) && u.role !== 'board';
      compare(u, 'decision of meeting', m.id, seenDecisions.has(m.decision), detail, what);
      compare(u, 'action item of meeting', m.id, seenActions.has(m.action), detail, what);
    }
  }
  return result;
}
