-- Full text in Arabic and English. Text is folded the same way on both sides before the stemmers
-- see it: diacritics (tashkeel) and tatweel removed; أ إ آ ٱ folded to ا, ى to ي, ة to ه; Arabic and
-- general punctuation made spaces (in the C locale every non-ASCII character would count as a
-- letter); the article and its attached prepositions (ال، وال، فال، بال، كال، لل) taken off a word.
CREATE FUNCTION tansiq_fold(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT regexp_replace(
      regexp_replace(
        translate(
          regexp_replace(coalesce(t, ''), '[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]', '', 'g'),
          'أإآٱىة', 'اااايه'),
        '[\u00A0-\u00BF\u060C\u061B\u061F\u066A-\u066D\u06D4\u200B-\u200F\u2010-\u206F\u3000\uFD3E\uFD3F\uFE10-\uFE6F\uFF01-\uFF0F]+',
        ' ', 'g'),
      '(^|[\s"(-])[وفبك]?(ال|لل)(\S\S)', '\1\3', 'g')
  $$;
--> statement-breakpoint
-- A search vector: every part read by the Arabic and the English stemmer; title weighs most
-- (A), then summary and tags (B), then the body (C).
CREATE FUNCTION tansiq_search_vector(title text, summary text, tags text, body text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT setweight(to_tsvector('arabic'::regconfig, tansiq_fold(title)) || to_tsvector('english'::regconfig, tansiq_fold(title)), 'A')
      || setweight(to_tsvector('arabic'::regconfig, tansiq_fold(summary)) || to_tsvector('english'::regconfig, tansiq_fold(summary)), 'B')
      || setweight(to_tsvector('arabic'::regconfig, tansiq_fold(tags)) || to_tsvector('english'::regconfig, tansiq_fold(tags)), 'B')
      || setweight(to_tsvector('arabic'::regconfig, tansiq_fold(body)) || to_tsvector('english'::regconfig, tansiq_fold(body)), 'C')
  $$;
--> statement-breakpoint
-- A user's query in web-search syntax, folded the same way, matched in either language.
CREATE FUNCTION tansiq_search_query(q text) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT websearch_to_tsquery('arabic'::regconfig, tansiq_fold(q)) || websearch_to_tsquery('english'::regconfig, tansiq_fold(q))
  $$;
--> statement-breakpoint
-- The lexemes of a text (of a query's words, or of one word): what snippets mark.
CREATE FUNCTION tansiq_search_lexemes(t text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT tsvector_to_array(to_tsvector('arabic'::regconfig, tansiq_fold(t)) || to_tsvector('english'::regconfig, tansiq_fold(t)))
  $$;
--> statement-breakpoint
CREATE TABLE "brief_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brief_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"user_id" uuid NOT NULL,
	"user_name" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "brief_thread" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"series_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"kind" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"user_id" uuid NOT NULL,
	"user_name" text NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "brief_thread_kind_known" CHECK ("brief_thread"."kind" in ('submitted', 'returned', 'approved', 'published'))
);
--> statement-breakpoint
ALTER TABLE "briefs" DROP CONSTRAINT "briefs_status_known";--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (tansiq_search_vector(title, '', '', description)) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "briefs" ADD COLUMN "summary" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "briefs" ADD COLUMN "language" text DEFAULT 'ar' NOT NULL;--> statement-breakpoint
ALTER TABLE "briefs" ADD COLUMN "tag_text" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "briefs" ADD COLUMN "cited_alerts" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
ALTER TABLE "briefs" ADD COLUMN "authors" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "briefs" ADD COLUMN "revision" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "briefs" ADD COLUMN "reviewer_name" text;--> statement-breakpoint
ALTER TABLE "briefs" ADD COLUMN "published_by_id" uuid;--> statement-breakpoint
ALTER TABLE "briefs" ADD COLUMN "published_by_name" text;--> statement-breakpoint
ALTER TABLE "briefs" ADD COLUMN "submitted_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "briefs" ADD COLUMN "approved_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "briefs" ADD COLUMN "superseded_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "briefs" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (tansiq_search_vector(title, summary, tag_text, body)) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "brief_attachments" ADD CONSTRAINT "brief_attachments_brief_id_briefs_id_fk" FOREIGN KEY ("brief_id") REFERENCES "public"."briefs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "brief_attachments" ADD CONSTRAINT "brief_attachments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "brief_thread" ADD CONSTRAINT "brief_thread_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "brief_attachments_brief" ON "brief_attachments" USING btree ("brief_id");--> statement-breakpoint
CREATE INDEX "brief_thread_series" ON "brief_thread" USING btree ("series_id","at");--> statement-breakpoint
ALTER TABLE "briefs" ADD CONSTRAINT "briefs_published_by_id_users_id_fk" FOREIGN KEY ("published_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alerts_search" ON "alerts" USING gin ("search");--> statement-breakpoint
CREATE UNIQUE INDEX "briefs_one_open_version" ON "briefs" USING btree ("series_id") WHERE "briefs"."status" in ('draft', 'in_review', 'approved');--> statement-breakpoint
CREATE UNIQUE INDEX "briefs_one_published_version" ON "briefs" USING btree ("series_id") WHERE "briefs"."status" = 'published';--> statement-breakpoint
CREATE INDEX "briefs_search" ON "briefs" USING gin ("search");--> statement-breakpoint
CREATE INDEX "briefs_cited_alerts" ON "briefs" USING gin ("cited_alerts");--> statement-breakpoint
CREATE INDEX "briefs_tags" ON "briefs" USING gin ("tags");--> statement-breakpoint
ALTER TABLE "briefs" ADD CONSTRAINT "briefs_language_known" CHECK ("briefs"."language" in ('ar', 'en'));--> statement-breakpoint
ALTER TABLE "briefs" ADD CONSTRAINT "briefs_status_known" CHECK ("briefs"."status" in ('draft', 'in_review', 'approved', 'published', 'superseded'));--> statement-breakpoint

-- A published version never changes; the only step left to it is to be superseded. No version is
-- ever deleted.
CREATE FUNCTION briefs_keep_versions() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'brief versions are kept' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF OLD.status IN ('published', 'superseded') THEN
        IF OLD.status = 'published' AND NEW.status = 'superseded'
          -- (a BEFORE trigger sees generated columns such as search unset: left out)
          AND (to_jsonb(NEW) - 'status' - 'superseded_at' - 'updated_at' - 'search')
            = (to_jsonb(OLD) - 'status' - 'superseded_at' - 'updated_at' - 'search') THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'a published brief version never changes' USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END
  $$;
--> statement-breakpoint
CREATE TRIGGER briefs_keep_versions BEFORE UPDATE OR DELETE ON "briefs"
  FOR EACH ROW EXECUTE FUNCTION briefs_keep_versions();
--> statement-breakpoint
CREATE TRIGGER briefs_no_truncate BEFORE TRUNCATE ON "briefs"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_reject();
--> statement-breakpoint

-- Attachments never change; those of a published version are never removed.
CREATE FUNCTION brief_attachments_keep() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'an attachment never changes' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF EXISTS (SELECT 1 FROM briefs b WHERE b.id = OLD.brief_id AND b.status IN ('published', 'superseded')) THEN
        RAISE EXCEPTION 'attachments of a published brief version are kept' USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN OLD;
    END
  $$;
--> statement-breakpoint
CREATE TRIGGER brief_attachments_keep BEFORE UPDATE OR DELETE ON "brief_attachments"
  FOR EACH ROW EXECUTE FUNCTION brief_attachments_keep();
--> statement-breakpoint
CREATE TRIGGER brief_attachments_no_truncate BEFORE TRUNCATE ON "brief_attachments"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_reject();
--> statement-breakpoint

-- The review thread: analysts only; append-only.
ALTER TABLE "brief_thread" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "brief_thread" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY brief_thread_read ON "brief_thread" FOR SELECT USING (coalesce(tansiq_claim('role') = 'analyst', false));
--> statement-breakpoint
CREATE POLICY brief_thread_write ON "brief_thread" FOR INSERT WITH CHECK (coalesce(tansiq_claim('role') = 'analyst', false));
--> statement-breakpoint
CREATE TRIGGER brief_thread_no_change BEFORE UPDATE OR DELETE ON "brief_thread"
  FOR EACH ROW EXECUTE FUNCTION audit_log_reject();
--> statement-breakpoint

-- Attachments are readable exactly when their version is (the subquery reads briefs under the
-- caller's own policy); analysts add and remove them on a draft only.
ALTER TABLE "brief_attachments" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "brief_attachments" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY brief_attachments_read ON "brief_attachments" FOR SELECT
  USING (EXISTS (SELECT 1 FROM "briefs" b WHERE b.id = brief_id));
--> statement-breakpoint
CREATE POLICY brief_attachments_add ON "brief_attachments" FOR INSERT
  WITH CHECK (coalesce(tansiq_claim('role') = 'analyst', false)
    AND EXISTS (SELECT 1 FROM "briefs" b WHERE b.id = brief_id AND b.status = 'draft'));
--> statement-breakpoint
CREATE POLICY brief_attachments_remove ON "brief_attachments" FOR DELETE
  USING (coalesce(tansiq_claim('role') = 'analyst', false)
    AND EXISTS (SELECT 1 FROM "briefs" b WHERE b.id = brief_id AND b.status = 'draft'));
--> statement-breakpoint

-- Brief events announce a publication: readable as the published version is (canReadEvent).
CREATE OR REPLACE FUNCTION tansiq_can_read_event(audience text, origin text, tlp text, recipients text[]) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT CASE audience
      WHEN 'alert' THEN tansiq_can_read_alert(origin, tlp, recipients)
      WHEN 'handover' THEN coalesce(
        tansiq_claim('role') IN ('coordinator', 'board', 'system')
          OR (tansiq_claim('role') IN ('officer', 'supervisor') AND origin = tansiq_claim('centre')),
        false)
      WHEN 'brief' THEN coalesce(
        tansiq_claim('role') = 'system' OR tansiq_can_read_brief('published', tlp, recipients),
        false)
      WHEN 'staff' THEN coalesce(tansiq_claim('role') IN ('officer', 'supervisor', 'analyst', 'coordinator', 'board', 'system'), false)
      WHEN 'hub' THEN coalesce(tansiq_claim('role') = 'system', false)
      ELSE false
    END
  $$;
