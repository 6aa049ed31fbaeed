-- The hub's own workers (deadline escalation, presence) act with the claim role 'system'.
CREATE OR REPLACE FUNCTION tansiq_can_read_alert(origin text, tlp text, recipients text[]) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(
      CASE tansiq_claim('role')
        WHEN 'officer' THEN tlp IN ('CLEAR', 'GREEN') OR origin = tansiq_claim('centre') OR tansiq_claim('centre') = ANY (recipients)
        WHEN 'supervisor' THEN tlp IN ('CLEAR', 'GREEN') OR origin = tansiq_claim('centre') OR tansiq_claim('centre') = ANY (recipients)
        WHEN 'analyst' THEN tlp IN ('CLEAR', 'GREEN', 'AMBER') OR origin = tansiq_claim('centre') OR tansiq_claim('centre') = ANY (recipients)
        WHEN 'coordinator' THEN tlp IN ('CLEAR', 'GREEN', 'AMBER')
        WHEN 'board' THEN tlp IN ('CLEAR', 'GREEN')
        WHEN 'system' THEN true
        ELSE false
      END, false)
  $$;
--> statement-breakpoint
CREATE FUNCTION tansiq_can_read_event(audience text, origin text, tlp text, recipients text[]) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT CASE audience
      WHEN 'alert' THEN tansiq_can_read_alert(origin, tlp, recipients)
      WHEN 'staff' THEN coalesce(tansiq_claim('role') IN ('officer', 'supervisor', 'analyst', 'coordinator', 'board', 'system'), false)
      WHEN 'hub' THEN coalesce(tansiq_claim('role') = 'system', false)
      ELSE false
    END
  $$;
--> statement-breakpoint
ALTER TABLE "events" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "events" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY events_read ON "events" FOR SELECT
  USING (tansiq_can_read_event(audience, centre, tlp, recipients));
--> statement-breakpoint
-- Writers carry claims; messages between hub processes (session ended) come from account changes,
-- which run without a user's claims, and no user can ever read them.
CREATE POLICY events_append ON "events" FOR INSERT
  WITH CHECK (tansiq_claim('role') IS NOT NULL OR audience = 'hub');
--> statement-breakpoint

-- Event numbers in commit order: each writer takes the next number from this one-row counter; the
-- row stays locked until the writer commits, so the next writer waits, and a reader that has seen N
-- can never later find a smaller number committed behind it. (A sequence would not do: its numbers
-- are taken before commit. Counting max(seq) would not either: row-level security hides rows.)
CREATE TABLE "event_counter" (
  "id" integer PRIMARY KEY CHECK ("id" = 1),
  "last" bigint NOT NULL
);
--> statement-breakpoint
INSERT INTO "event_counter" ("id", "last") VALUES (1, 0);
--> statement-breakpoint
CREATE FUNCTION events_number() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      UPDATE event_counter SET last = last + 1 WHERE id = 1 RETURNING last INTO NEW.seq;
      RETURN NEW;
    END
  $$;
--> statement-breakpoint
CREATE TRIGGER events_number BEFORE INSERT ON "events"
  FOR EACH ROW EXECUTE FUNCTION events_number();
--> statement-breakpoint
CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON "events"
  FOR EACH ROW EXECUTE FUNCTION audit_log_reject();
