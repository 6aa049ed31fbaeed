import { fileTypeFromBuffer } from 'file-type';

/** Why a file is not taken as a PDF, in words the uploader can act on. */
export type PdfVerdict = { ok: true } | { ok: false; reason: string; detected?: string };

/** How far from the end `startxref … %%EOF` may sit (the trailer is the file's last few bytes). */
const TAIL = 2048;

/**
 * Decides by content alone — never by file name or declared type — whether `bytes` are a PDF:
 * the magic bytes say PDF (file-type reads them), and the trailer parses: the file ends with
 * `startxref <offset> %%EOF`, the offset lies inside the file, and there sits either a
 * cross-reference table followed by a `trailer` dictionary naming the `/Root`, or a
 * cross-reference stream (`/Type /XRef`) naming it.
 */
export async function checkPdf(bytes: Buffer): Promise<PdfVerdict> {
  const type = await fileTypeFromBuffer(bytes);
  if (type?.mime !== 'application/pdf' || !bytes.subarray(0, 5).equals(Buffer.from('%PDF-')))
    return {
      ok: false,
      reason: 'the file is not a PDF (its content does not start with %PDF-)',
      ...(type ? { detected: type.mime } : {}),
    };
  const tail = bytes.subarray(Math.max(0, bytes.length - TAIL)).toString('latin1');
  const end = /startxref\s+(\d{1,12})\s+%%EOF\s*$/.exec(tail);
  if (!end) return { ok: false, reason: 'the PDF has no trailer (startxref … %%EOF at its end)' };
  const offset = Number(end[1]);
  if (offset < 5 || offset >= bytes.length)
    return { ok: false, reason: 'the PDF trailer points outside the file' };
  const at = bytes.subarray(offset, Math.min(bytes.length, offset + 8192)).toString('latin1');
  if (/^\s*xref\b/.test(at)) {
    const table = bytes.subarray(offset).toString('latin1');
    const t = table.indexOf('trailer');
    if (t >= 0 && /^trailer\s*<<[\s\S]{0,4096}?\/Root\s+\d+\s+\d+\s+R/.test(table.slice(t, t + 4200)))
      return { ok: true };
    return { ok: false, reason: 'the PDF trailer dictionary names no /Root' };
  }
  if (
    /^\s*\d+\s+\d+\s+obj\s*<<[\s\S]{0,4096}?\/Type\s*\/XRef\b/.test(at) &&
    /\/Root\s+\d+\s+\d+\s+R/.test(at)
  )
    return { ok: true };
  return { ok: false, reason: 'the PDF trailer does not point at a cross-reference table' };
}

/** Why an uploaded file's name is refused: a path (a separator or `..`) or a control character. */
export function fileNameProblem(name: string | undefined): string | null {
  if (name === undefined || name.trim() === '') return null;
  if (/[\\/]/.test(name) || name.split(/[\\/]/).includes('..'))
    return 'the file name must be a plain name, not a path';
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'the file name holds control characters';
  if (name.length > 200) return 'the file name is longer than 200 characters';
  return null;
}

/**
 * A file name safe to store and to send back in Content-Disposition: the last path segment only,
 * no control characters, quotes or backslashes, at most 120 characters, ending in .pdf.
 */
export function safeFileName(name: string | undefined): string {
  const last = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = last
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    .replace(/[\u0000-\u001f\u007f"*:<>?|\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 120);
  const base = cleaned.replace(/\.pdf$/i, '') || 'attachment';
  return `${base}.pdf`;
}
