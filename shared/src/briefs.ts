import { z } from 'zod';
import { filterText, isoTime, plainText } from './text.ts';
import { crossings } from './border/crossings.ts';
import { sectorDefinitions } from './border/sectors.ts';
import { alertCategories, centreCodeSchema, tlpSchema, type Tlp } from './domain.ts';

/** draft → in_review → approved (by a second analyst) → published → superseded by a newer version. */
export const briefStatuses = ['draft', 'in_review', 'approved', 'published', 'superseded'] as const;
export type BriefStatus = (typeof briefStatuses)[number];
export const briefStatusSchema = z.enum(briefStatuses);

/** A brief version still being worked on (at most one per brief). */
export const openBriefStatuses = ['draft', 'in_review', 'approved'] as const;

export const briefLanguages = ['ar', 'en'] as const;
export type BriefLanguage = (typeof briefLanguages)[number];

export const BRIEF_LIMITS = {
  title: 300,
  summary: 2000,
  body: 100_000,
  tags: 40,
  freeTag: 40,
  citedAlerts: 100,
  thread: 4000,
  query: 200,
  fileName: 200,
} as const;

/** Regions a brief can be tagged with (Libya's three historic regions, the coast, the Sahel). */
export const briefRegions = ['east', 'west', 'south', 'coast', 'sahel'] as const;

const regionNames: Record<(typeof briefRegions)[number], { ar: string; en: string }> = {
  east: { ar: 'الشرق (برقة)', en: 'East (Cyrenaica)' },
  west: { ar: 'الغرب (طرابلس)', en: 'West (Tripolitania)' },
  south: { ar: 'الجنوب (فزان)', en: 'South (Fezzan)' },
  coast: { ar: 'الساحل المتوسطي', en: 'Mediterranean coast' },
  sahel: { ar: 'الساحل والصحراء', en: 'Sahel and Sahara' },
};

const threatNames: Record<string, { ar: string; en: string }> = {
  smuggling: { ar: 'تهريب', en: 'smuggling' },
  trafficking: { ar: 'اتجار بالبشر', en: 'human trafficking' },
  irregular_migration: { ar: 'هجرة غير نظامية', en: 'irregular migration' },
  terrorism: { ar: 'إرهاب', en: 'terrorism' },
  armed_incursion: { ar: 'توغل مسلح', en: 'armed incursion' },
  weapons: { ar: 'أسلحة', en: 'weapons' },
  fuel_smuggling: { ar: 'تهريب الوقود', en: 'fuel smuggling' },
  humanitarian: { ar: 'حالة إنسانية', en: 'humanitarian' },
};

/** The threat types a brief can be tagged with: the alert categories but `other`. */
export const briefThreats = alertCategories.filter((c) => c !== 'other');

/** One tag of the fixed lists: `threat:…`, `region:…`, `crossing:…`, `sector:…`. */
export interface ListedTag {
  tag: string;
  kind: 'threat' | 'region' | 'crossing' | 'sector';
  ar: string;
  en: string;
}

export const listedTags: readonly ListedTag[] = [
  ...briefThreats.map((t) => ({ tag: `threat:${t}`, kind: 'threat' as const, ...threatNames[t]! })),
  ...briefRegions.map((r) => ({ tag: `region:${r}`, kind: 'region' as const, ...regionNames[r] })),
  ...crossings.map((c) => ({
    tag: `crossing:${c.id}`,
    kind: 'crossing' as const,
    ar: c.nameAr,
    en: c.nameEn,
  })),
  ...sectorDefinitions.map((s) => ({
    tag: `sector:${s.id}`,
    kind: 'sector' as const,
    ar: s.nameAr,
    en: s.nameEn,
  })),
];
const listed = new Map(listedTags.map((t) => [t.tag, t]));

export function listedTag(tag: string): ListedTag | undefined {
  return listed.get(tag);
}

/** The words a tag is found by in search: both names of a listed tag, the tag itself when free. */
export function tagSearchText(tags: readonly string[]): string {
  return tags
    .map((t) => {
      const l = listed.get(t);
      return l ? `${l.ar} ${l.en}` : t;
    })
    .join(' ');
}

/**
 * A tag: one of the listed ones (`threat:smuggling`), or a free tag — any short text without a
 * colon (the colon marks the listed kinds).
 */
export const briefTagSchema = plainText(BRIEF_LIMITS.freeTag)
  .min(1)
  .refine((t) => (t.includes(':') ? listed.has(t) : true), {
    message: 'a tag with a colon must be one of the listed tags (threat:, region:, crossing:, sector:)',
  });

const tags = z
  .array(briefTagSchema)
  .max(BRIEF_LIMITS.tags)
  .transform((list) => [...new Set(list)]);
const recipients = z
  .array(centreCodeSchema)
  .max(16)
  .transform((list) => [...new Set(list)]);
const citedAlerts = z
  .array(z.uuid())
  .max(BRIEF_LIMITS.citedAlerts)
  .transform((list) => [...new Set(list)]);

/** `POST /api/v1/briefs`: a new brief, version 1, as a draft. Sharing is chosen, never defaulted. */
export const createBriefSchema = z.strictObject({
  title: plainText(BRIEF_LIMITS.title).min(1),
  summary: plainText(BRIEF_LIMITS.summary).default(''),
  /** Markdown; rendered and sanitised by the reader (no HTML, scripts or remote images get through). */
  body: filterText(BRIEF_LIMITS.body).default(''),
  language: z.enum(briefLanguages),
  tags: tags.default([]),
  tlp: tlpSchema,
  /** Deny by default: an empty list never means everyone. */
  recipients,
  citedAlerts: citedAlerts.default([]),
});
export type CreateBrief = z.infer<typeof createBriefSchema>;

/** `PATCH /api/v1/briefs/:id`: changes the brief's open draft; `revision` guards against a stale save. */
export const patchBriefSchema = z.strictObject({
  title: plainText(BRIEF_LIMITS.title).min(1).optional(),
  summary: plainText(BRIEF_LIMITS.summary).optional(),
  body: filterText(BRIEF_LIMITS.body).optional(),
  language: z.enum(briefLanguages).optional(),
  tags: tags.optional(),
  tlp: tlpSchema.optional(),
  recipients: recipients.optional(),
  citedAlerts: citedAlerts.optional(),
  revision: z.number().int().min(1).optional(),
});
export type PatchBrief = z.infer<typeof patchBriefSchema>;

/** `submit` and `approve` may carry a comment; `return` must (it is the reason). */
export const briefCommentSchema = z.strictObject({ comment: plainText(BRIEF_LIMITS.thread).optional() });
export const briefReturnSchema = z.strictObject({ comment: plainText(BRIEF_LIMITS.thread).min(1) });
export const briefPublishSchema = z.strictObject({});
export const briefNewVersionSchema = z.strictObject({});

export const briefIdSchema = z.strictObject({ id: z.uuid() });
export const briefAttachmentIdSchema = z.strictObject({ id: z.uuid(), attachmentId: z.uuid() });
export const briefReadQuerySchema = z.strictObject({
  version: z.coerce.number().int().min(1).max(100_000).optional(),
});

const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item).max(10)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.infer<T>[]);

/**
 * `GET /api/v1/briefs`: `q` is full text (web-search syntax: words, "a phrase", `or`, `-word`);
 * `tag` may repeat (all must match); `from`/`to` bound the publication time (the last change for
 * versions not published); `status` defaults to published.
 */
export const briefListQuerySchema = z.strictObject({
  q: filterText(BRIEF_LIMITS.query).optional(),
  tag: oneOrMany(filterText(BRIEF_LIMITS.freeTag + 20)).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  tlp: tlpSchema.optional(),
  status: briefStatusSchema.optional(),
  language: z.enum(briefLanguages).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});
export type BriefListQuery = z.infer<typeof briefListQuerySchema>;

export const signatureSchema = z.object({ userId: z.string(), name: z.string() });

export const briefAttachmentSchema = z.object({
  id: z.uuid(),
  fileName: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  createdAt: z.string(),
  by: signatureSchema,
});
export type BriefAttachment = z.infer<typeof briefAttachmentSchema>;

export const briefThreadEntrySchema = z.object({
  id: z.string(),
  version: z.number().int(),
  kind: z.enum(['submitted', 'returned', 'approved', 'published']),
  body: z.string(),
  by: signatureSchema,
  at: z.string(),
});
export type BriefThreadEntry = z.infer<typeof briefThreadEntrySchema>;

/** A brief cited by an alert, or an alert cited by a brief, as the reader may see it. */
export const citedAlertSchema = z.object({
  id: z.uuid(),
  centre: z.string(),
  title: z.string(),
  severity: z.string(),
  category: z.string(),
  status: z.string(),
  tlp: z.string(),
  createdAt: z.string(),
});
export type CitedAlert = z.infer<typeof citedAlertSchema>;

/** One version of a brief (`id` is the brief's, shared by all its versions). */
export const briefSchema = z.object({
  id: z.uuid(),
  version: z.number().int(),
  status: briefStatusSchema,
  title: z.string(),
  summary: z.string(),
  body: z.string(),
  language: z.enum(briefLanguages),
  tags: z.array(z.string()),
  tlp: tlpSchema,
  recipients: z.array(z.string()),
  authors: z.array(signatureSchema),
  reviewer: signatureSchema.nullable(),
  publishedBy: signatureSchema.nullable(),
  citedAlerts: z.array(z.uuid()),
  revision: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  submittedAt: z.string().nullable(),
  approvedAt: z.string().nullable(),
  publishedAt: z.string().nullable(),
  supersededAt: z.string().nullable(),
  attachments: z.array(briefAttachmentSchema),
});
export type Brief = z.infer<typeof briefSchema>;

/** `GET /api/v1/briefs/:id`: the version read, the versions the caller may open, its cited alerts. */
export const briefReplySchema = z.object({
  brief: briefSchema,
  versions: z.array(
    z.object({ version: z.number().int(), status: briefStatusSchema, publishedAt: z.string().nullable() }),
  ),
  /** The alerts the brief cites that the reader may open (the others are not named). */
  alerts: z.array(citedAlertSchema),
  /** The review thread: analysts only (empty for everyone else). */
  thread: z.array(briefThreadEntrySchema),
});
export type BriefReply = z.infer<typeof briefReplySchema>;

/** A piece of a search snippet; `match` marks the words the query found. */
export const snippetPartSchema = z.object({ text: z.string(), match: z.boolean() });
export type SnippetPart = z.infer<typeof snippetPartSchema>;

export const briefListItemSchema = z.object({
  id: z.uuid(),
  version: z.number().int(),
  status: briefStatusSchema,
  title: z.string(),
  summary: z.string(),
  language: z.enum(briefLanguages),
  tags: z.array(z.string()),
  tlp: tlpSchema,
  recipients: z.array(z.string()),
  authors: z.array(signatureSchema),
  publishedAt: z.string().nullable(),
  updatedAt: z.string(),
  attachments: z.number().int(),
  /** With `q`: the text around the best match, matches marked; the rank orders the list. */
  snippet: z.array(snippetPartSchema).optional(),
  rank: z.number().optional(),
});
export type BriefListItem = z.infer<typeof briefListItemSchema>;

export const briefListReplySchema = z.object({
  briefs: z.array(briefListItemSchema),
  /** How many match in all (of what the caller may read). */
  total: z.number().int(),
});

/** What a board sees of a published brief (CLEAR only). */
export interface BriefBoardFields {
  id: string;
  version: number;
  title: string;
  tlp: Tlp;
  publishedAt: string | null;
}

/** `brief:published` carries the list item of the version published. */
export const briefPublishedDataSchema = z.object({ brief: briefListItemSchema });

/** A brief that cites an alert, listed on the alert's detail. */
export const citingBriefSchema = z.object({
  id: z.uuid(),
  version: z.number().int(),
  title: z.string(),
  tlp: tlpSchema,
  publishedAt: z.string().nullable(),
  status: briefStatusSchema,
});
export type CitingBrief = z.infer<typeof citingBriefSchema>;
