import { Router, type Request } from 'express';
import busboy from 'busboy';
import {
  briefAttachmentIdSchema,
  briefCommentSchema,
  briefIdSchema,
  briefListQuerySchema,
  briefNewVersionSchema,
  briefPublishSchema,
  briefReadQuerySchema,
  briefReturnSchema,
  createBriefSchema,
  patchBriefSchema,
} from '@tansiq/shared';
import { errors, parseInput } from '../http/errors.ts';
import { authOf, requestContext, requireAuth } from '../access/access.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { BriefsService } from './briefs.service.ts';

/** Multipart framing around the file: boundaries, part headers (the file name can be long). */
const MULTIPART_OVERHEAD = 64 * 1024;

/**
 * Reads the one `file` part of a multipart upload, keeping at most `max` bytes: one byte more and
 * the upload is refused with 413 on the spot (the rest is never read, the connection is closed),
 * so memory stays bounded whatever is sent.
 */
function readUpload(req: Request, max: number): Promise<{ name: string | undefined; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > max + MULTIPART_OVERHEAD)
      return reject(errors.payloadTooLarge(`the file is larger than ${max} bytes`));
    let parser: busboy.Busboy;
    try {
      // preservePath: the name as sent, so a path in it is refused rather than quietly cut.
      parser = busboy({
        headers: req.headers,
        preservePath: true,
        // Browsers send a file name in UTF-8 (an Arabic name stays Arabic).
        defParamCharset: 'utf8',
        // One byte past the limit is read, so that a file of exactly `max` bytes is taken.
        limits: { files: 1, fileSize: max + 1, fields: 0, parts: 2 },
      });
    } catch {
      return reject(errors.badRequest('expected multipart/form-data with a file in the field "file"'));
    }
    let done = false;
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      req.unpipe(parser);
      reject(err);
    };
    let file: { name: string | undefined; bytes: Buffer } | null = null;
    parser.on('file', (field, stream, info) => {
      if (field !== 'file') {
        stream.resume();
        return fail(errors.badRequest('the file goes in the multipart field "file"'));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > max) return fail(errors.payloadTooLarge(`the file is larger than ${max} bytes`));
        chunks.push(chunk);
      });
      stream.on('limit', () => fail(errors.payloadTooLarge(`the file is larger than ${max} bytes`)));
      stream.on('end', () => {
        if (!done) file = { name: info.filename, bytes: Buffer.concat(chunks, size) };
      });
    });
    parser.on('filesLimit', () => fail(errors.badRequest('one file per upload')));
    parser.on('fieldsLimit', () => fail(errors.badRequest('only the field "file" is expected')));
    parser.on('partsLimit', () => fail(errors.badRequest('only the field "file" is expected')));
    parser.on('error', () => fail(errors.badRequest('the multipart body cannot be read')));
    parser.on('close', () => {
      if (done) return;
      done = true;
      if (!file) reject(errors.badRequest('no file in the field "file"'));
      else if (file.bytes.length === 0) reject(errors.badRequest('the file is empty'));
      else resolve(file);
    });
    req.on('aborted', () => fail(errors.badRequest('the upload was cut off')));
    req.pipe(parser);
  });
}

/** `Content-Disposition` for a download: an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
function disposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export function briefsRoutes(auth: AuthService, briefs: BriefsService): Router {
  const router = Router();
  router.use('/api/v1/briefs', requireAuth(auth));
  const source = (req: Request) => requestContext(req).source;

  router.get('/api/v1/briefs', async (req, res) => {
    const query = parseInput(briefListQuerySchema, req.query);
    res.json(await briefs.list(authOf(req), query, source(req)));
  });

  router.post('/api/v1/briefs', async (req, res) => {
    const input = parseInput(createBriefSchema, req.body);
    res.status(201).json({ brief: await briefs.create(authOf(req), input, source(req)) });
  });

  router.get('/api/v1/briefs/:id', async (req, res) => {
    const { id } = parseInput(briefIdSchema, req.params);
    const { version } = parseInput(briefReadQuerySchema, req.query);
    res.json(await briefs.get(authOf(req), id, version, source(req)));
  });

  router.patch('/api/v1/briefs/:id', async (req, res) => {
    const { id } = parseInput(briefIdSchema, req.params);
    const input = parseInput(patchBriefSchema, req.body);
    res.json({ brief: await briefs.edit(authOf(req), id, input, source(req)) });
  });

  router.post('/api/v1/briefs/:id/submit', async (req, res) => {
    const { id } = parseInput(briefIdSchema, req.params);
    const { comment } = parseInput(briefCommentSchema, req.body ?? {});
    res.json({ brief: await briefs.submit(authOf(req), id, comment, source(req)) });
  });

  router.post('/api/v1/briefs/:id/approve', async (req, res) => {
    const { id } = parseInput(briefIdSchema, req.params);
    const { comment } = parseInput(briefCommentSchema, req.body ?? {});
    res.json({ brief: await briefs.approve(authOf(req), id, comment, source(req)) });
  });

  router.post('/api/v1/briefs/:id/return', async (req, res) => {
    const { id } = parseInput(briefIdSchema, req.params);
    const { comment } = parseInput(briefReturnSchema, req.body);
    res.json({ brief: await briefs.return(authOf(req), id, comment, source(req)) });
  });

  router.post('/api/v1/briefs/:id/publish', async (req, res) => {
    const { id } = parseInput(briefIdSchema, req.params);
    parseInput(briefPublishSchema, req.body ?? {});
    res.json({ brief: await briefs.publish(authOf(req), id, source(req)) });
  });

  router.post('/api/v1/briefs/:id/versions', async (req, res) => {
    const { id } = parseInput(briefIdSchema, req.params);
    parseInput(briefNewVersionSchema, req.body ?? {});
    res.status(201).json({ brief: await briefs.newVersion(authOf(req), id, source(req)) });
  });

  router.post('/api/v1/briefs/:id/attachments', async (req, res) => {
    const { id } = parseInput(briefIdSchema, req.params);
    try {
      const read = () => readUpload(req, briefs.maxAttachmentBytes);
      res.status(201).json({ brief: await briefs.attach(authOf(req), id, read, source(req)) });
    } catch (err) {
      // A refused upload may not have been read to its end, and what was not read is never read:
      // the answer goes out and the connection closes behind it.
      res.setHeader('Connection', 'close');
      res.on('finish', () => req.socket.destroySoon());
      throw err;
    }
  });

  router.delete('/api/v1/briefs/:id/attachments/:attachmentId', async (req, res) => {
    const { id, attachmentId } = parseInput(briefAttachmentIdSchema, req.params);
    res.json({ brief: await briefs.detach(authOf(req), id, attachmentId, source(req)) });
  });

  router.get('/api/v1/briefs/:id/attachments/:attachmentId', async (req, res) => {
    const { id, attachmentId } = parseInput(briefAttachmentIdSchema, req.params);
    const file = await briefs.download(authOf(req), id, attachmentId, source(req));
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', disposition(file.fileName));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', 'sandbox');
    res.setHeader('Digest', `sha-256=${Buffer.from(file.sha256, 'hex').toString('base64')}`);
    res.setHeader('X-Tansiq-SHA256', file.sha256);
    res.end(file.content);
  });

  return router;
}
