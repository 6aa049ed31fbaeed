-- The user's claims, set per transaction with set_config('tansiq.<name>', value, true).
-- Without claims every claim is NULL and the policies below let nothing through.
CREATE FUNCTION tansiq_claim(name text) RETURNS text
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('tansiq.' || name, true), '') $$;
--> statement-breakpoint

-- Alert read policy, the database's copy of canReadAlert in shared/src/policy.ts (a test keeps them equal).
CREATE FUNCTION tansiq_can_read_alert(origin text, tlp text, recipients text[]) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(
      CASE tansiq_claim('role')
        WHEN 'officer' THEN tlp IN ('CLEAR', 'GREEN') OR origin = tansiq_claim('centre') OR tansiq_claim('centre') = ANY (recipients)
        WHEN 'supervisor' THEN tlp IN ('CLEAR', 'GREEN') OR origin = tansiq_claim('centre') OR tansiq_claim('centre') = ANY (recipients)
        WHEN 'analyst' THEN tlp IN ('CLEAR', 'GREEN', 'AMBER') OR origin = tansiq_claim('centre') OR tansiq_claim('centre') = ANY (recipients)
        WHEN 'coordinator' THEN tlp IN ('CLEAR', 'GREEN', 'AMBER')
        WHEN 'board' THEN tlp IN ('CLEAR', 'GREEN')
        ELSE false
      END, false)
  $$;
--> statement-breakpoint

-- Brief read policy, the database's copy of canReadBrief in shared/src/policy.ts.
CREATE FUNCTION tansiq_can_read_brief(status text, tlp text, recipients text[]) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(
      CASE tansiq_claim('role')
        WHEN 'analyst' THEN true
        WHEN 'officer' THEN status IN ('published', 'superseded') AND (tlp IN ('CLEAR', 'GREEN') OR tansiq_claim('centre') = ANY (recipients))
        WHEN 'supervisor' THEN status IN ('published', 'superseded') AND (tlp IN ('CLEAR', 'GREEN') OR tansiq_claim('centre') = ANY (recipients))
        WHEN 'coordinator' THEN status IN ('published', 'superseded') AND tlp IN ('CLEAR', 'GREEN', 'AMBER')
        WHEN 'board' THEN status = 'published' AND tlp = 'CLEAR'
        ELSE false
      END, false)
  $$;
--> statement-breakpoint
ALTER TABLE "alerts" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "alerts" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY alerts_read ON "alerts" FOR SELECT
  USING (tansiq_can_read_alert(centre, tlp, recipients));
--> statement-breakpoint
CREATE POLICY alerts_raise ON "alerts" FOR INSERT
  WITH CHECK (tansiq_claim('role') IN ('officer', 'supervisor') AND centre = tansiq_claim('centre'));
--> statement-breakpoint
CREATE POLICY alerts_change ON "alerts" FOR UPDATE
  USING (tansiq_claim('role') IN ('officer', 'supervisor', 'analyst') AND tansiq_can_read_alert(centre, tlp, recipients))
  WITH CHECK (tansiq_can_read_alert(centre, tlp, recipients));
--> statement-breakpoint
ALTER TABLE "briefs" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "briefs" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY briefs_read ON "briefs" FOR SELECT
  USING (tansiq_can_read_brief(status, tlp, recipients));
--> statement-breakpoint
CREATE POLICY briefs_write ON "briefs" FOR INSERT
  WITH CHECK (tansiq_claim('role') = 'analyst');
--> statement-breakpoint
CREATE POLICY briefs_change ON "briefs" FOR UPDATE
  USING (tansiq_claim('role') = 'analyst')
  WITH CHECK (tansiq_claim('role') = 'analyst');
--> statement-breakpoint

-- The audit chain. A row's hash covers the previous row's hash and this canonical text of the row;
-- `pnpm cli audit verify` recomputes every hash from it.
CREATE FUNCTION audit_canonical(a audit_log) RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT jsonb_build_array(
      a.seq, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), a.actor_id, a.actor_username,
      a.role, a.centre, a.action, a.target_type, a.target_id, a.outcome, a.source, a.details
    )::text
  $$;
--> statement-breakpoint
CREATE FUNCTION audit_log_chain() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      last_seq bigint;
      last_hash text;
    BEGIN
      -- One writer at a time, so the chain follows commit order with no gap and no fork.
      PERFORM pg_advisory_xact_lock(7431202612);
      SELECT seq, hash INTO last_seq, last_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
      NEW.seq := coalesce(last_seq, 0) + 1;
      NEW.prev_hash := coalesce(last_hash, repeat('0', 64));
      NEW.hash := encode(sha256(convert_to(NEW.prev_hash || audit_canonical(NEW), 'UTF8')), 'hex');
      RETURN NEW;
    END
  $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_chain BEFORE INSERT ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
--> statement-breakpoint
CREATE FUNCTION audit_log_reject() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege'; END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION audit_log_reject();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_reject();
