import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { Brief, CreateBrief } from '@tansiq/shared';
import { hashPassword, schema, type Database } from '@tansiq/hub-server';
import { TEST_PASSWORD } from './users.ts';
import type { Call } from './handovers.ts';

/** Two more analysts: the second pair of eyes (analyst.b) and a third for races (analyst.c). */
export async function seedMoreAnalysts(database: Database): Promise<void> {
  const passwordHash = await hashPassword(TEST_PASSWORD);
  await database.db.insert(schema.users).values(
    ['analyst.b', 'analyst.c'].map((username) => ({
      username,
      displayName: username,
      role: 'analyst' as const,
      centre: 'STUDIES',
      passwordHash,
    })),
  );
}

/**
 * A small, well-formed PDF: header, one page, a cross-reference table with the true offsets and a
 * trailer. `padTo` pads it (in a comment before the table) to exactly that many bytes.
 */
export function makePdf(text = 'Tansiq', padTo?: number): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>',
  ];
  const stream = `BT /F1 12 Tf 20 100 Td (${text}) Tj ET`;
  objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  const build = (pad: string) => {
    let out = '%PDF-1.4\n';
    const offsets: number[] = [];
    objects.forEach((o, i) => {
      offsets.push(out.length);
      out += `${i + 1} 0 obj\n${o}\nendobj\n`;
    });
    out += pad;
    const xref = out.length;
    out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
    for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
    out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    return out;
  };
  const plain = build('');
  if (padTo === undefined) return Buffer.from(plain, 'latin1');
  const fill = padTo - plain.length - 2; // "%" + filler + "\n"
  if (fill < 0) throw new Error('padTo is smaller than the PDF');
  const padded = build(`%${'x'.repeat(fill)}\n`);
  // The offset digits may have grown; trim the filler to land exactly.
  const over = padded.length - padTo;
  return Buffer.from(over === 0 ? padded : build(`%${'x'.repeat(fill - over)}\n`), 'latin1');
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** POSTs one file as multipart field `file` (or another field) with the name and type given. */
export async function upload(
  url: string,
  token: string,
  briefId: string,
  bytes: Buffer,
  fileName = 'report.pdf',
  type = 'application/pdf',
  field = 'file',
): Promise<{ status: number; body: unknown }> {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(bytes)], { type }), fileName);
  const res = await fetch(`${url}/api/v1/briefs/${briefId}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

export const briefOf = (r: { body: unknown }) => (r.body as { brief: Brief }).brief;

export const briefInput = (overrides: Partial<CreateBrief> = {}): CreateBrief => ({
  title: 'Brief',
  summary: '',
  body: 'Body',
  language: 'ar',
  tags: [],
  tlp: 'GREEN',
  recipients: [],
  citedAlerts: [],
  ...overrides,
});

/** Writes (as `author`), submits, approves (as `reviewer`) and publishes a brief. */
export async function publishBrief(author: Call, reviewer: Call, input: CreateBrief): Promise<Brief> {
  const created = await author('POST', '/api/v1/briefs', input);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = briefOf(created).id;
  return publishOpenVersion(author, reviewer, id);
}

/** Submits, approves and publishes the version of brief `id` in the works. */
export async function publishOpenVersion(author: Call, reviewer: Call, id: string): Promise<Brief> {
  const submitted = await author('POST', `/api/v1/briefs/${id}/submit`, {});
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  const approved = await reviewer('POST', `/api/v1/briefs/${id}/approve`, {});
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  const published = await author('POST', `/api/v1/briefs/${id}/publish`, {});
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  return briefOf(published);
}
