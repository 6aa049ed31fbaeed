CREATE TABLE "action_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"title" text NOT NULL,
	"centre" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_by" uuid NOT NULL,
	"created_by_name" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"done_at" timestamp (3) with time zone,
	"done_by" uuid,
	"done_by_name" text,
	"done_note" text,
	"overdue_at" timestamp with time zone,
	CONSTRAINT "action_items_status_known" CHECK ("action_items"."status" in ('open', 'done')),
	CONSTRAINT "action_items_done_complete" CHECK (("action_items"."status" = 'done') = ("action_items"."done_at" is not null and "action_items"."done_by" is not null and "action_items"."done_note" is not null))
);
--> statement-breakpoint
CREATE TABLE "board_devices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "board_devices_user_id_unique" UNIQUE("user_id")
);
--> statement-breakpoint
CREATE TABLE "board_pairings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code_hash" text NOT NULL,
	"secret_hash" text NOT NULL,
	"source" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"device_id" uuid,
	"paired_at" timestamp with time zone,
	"claimed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "meeting_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"text" text NOT NULL,
	"by_id" uuid NOT NULL,
	"by_name" text NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meetings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"place" text DEFAULT '' NOT NULL,
	"centres" text[] NOT NULL,
	"tlp" text DEFAULT 'AMBER' NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"on_wall" boolean DEFAULT false NOT NULL,
	"agenda" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" uuid NOT NULL,
	"created_by_name" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meetings_tlp_known" CHECK ("meetings"."tlp" in ('CLEAR', 'GREEN', 'AMBER', 'RED')),
	CONSTRAINT "meetings_status_known" CHECK ("meetings"."status" in ('scheduled', 'in_progress', 'closed')),
	CONSTRAINT "meetings_have_centres" CHECK (coalesce(cardinality("meetings"."centres") > 0, false))
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "action_items" ADD CONSTRAINT "action_items_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_items" ADD CONSTRAINT "action_items_centre_centres_code_fk" FOREIGN KEY ("centre") REFERENCES "public"."centres"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_items" ADD CONSTRAINT "action_items_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_items" ADD CONSTRAINT "action_items_done_by_users_id_fk" FOREIGN KEY ("done_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "board_devices" ADD CONSTRAINT "board_devices_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "board_devices" ADD CONSTRAINT "board_devices_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "board_pairings" ADD CONSTRAINT "board_pairings_device_id_board_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."board_devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_decisions" ADD CONSTRAINT "meeting_decisions_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_decisions" ADD CONSTRAINT "meeting_decisions_by_id_users_id_fk" FOREIGN KEY ("by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "action_items_meeting_idx" ON "action_items" USING btree ("meeting_id");--> statement-breakpoint
CREATE INDEX "action_items_open_due_idx" ON "action_items" USING btree ("due_at") WHERE "action_items"."status" = 'open';--> statement-breakpoint
CREATE UNIQUE INDEX "board_pairings_waiting_code_key" ON "board_pairings" USING btree ("code_hash") WHERE "board_pairings"."paired_at" is null;--> statement-breakpoint
CREATE INDEX "board_pairings_expires_idx" ON "board_pairings" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "meeting_decisions_meeting_idx" ON "meeting_decisions" USING btree ("meeting_id","at");--> statement-breakpoint
CREATE INDEX "meetings_starts_idx" ON "meetings" USING btree ("starts_at");--> statement-breakpoint
-- Meeting read policy, the database's copy of canReadMeeting in shared/src/policy.ts: TLP with the
-- participating centres as recipients; coordinators hold the meetings; the hub's workers read all.
CREATE FUNCTION tansiq_can_read_meeting(tlp text, participants text[]) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(
      CASE tansiq_claim('role')
        WHEN 'officer' THEN tlp IN ('CLEAR', 'GREEN') OR tansiq_claim('centre') = ANY (participants)
        WHEN 'supervisor' THEN tlp IN ('CLEAR', 'GREEN') OR tansiq_claim('centre') = ANY (participants)
        WHEN 'analyst' THEN tlp IN ('CLEAR', 'GREEN', 'AMBER') OR tansiq_claim('centre') = ANY (participants)
        WHEN 'coordinator' THEN true
        WHEN 'board' THEN tlp IN ('CLEAR', 'GREEN')
        WHEN 'system' THEN true
        ELSE false
      END, false)
  $$;
--> statement-breakpoint
-- Decisions and action items carry as much as their meeting: visible exactly when it is (the
-- subquery runs under the meetings table's own row-level security). A board reads neither: it gets
-- counts of action items from the hub's own queries.
CREATE FUNCTION tansiq_can_see_meeting(meeting uuid) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT coalesce(tansiq_claim('role') <> 'board', false) AND EXISTS (SELECT 1 FROM meetings WHERE meetings.id = meeting) $$;
--> statement-breakpoint
ALTER TABLE "meetings" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "meetings" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY meetings_read ON "meetings" FOR SELECT USING (tansiq_can_read_meeting(tlp, centres));
--> statement-breakpoint
CREATE POLICY meetings_schedule ON "meetings" FOR INSERT WITH CHECK (coalesce(tansiq_claim('role') = 'coordinator', false));
--> statement-breakpoint
CREATE POLICY meetings_change ON "meetings" FOR UPDATE
  USING (coalesce(tansiq_claim('role') = 'coordinator', false))
  WITH CHECK (coalesce(tansiq_claim('role') = 'coordinator', false));
--> statement-breakpoint
ALTER TABLE "meeting_decisions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "meeting_decisions" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY meeting_decisions_read ON "meeting_decisions" FOR SELECT USING (tansiq_can_see_meeting(meeting_id));
--> statement-breakpoint
CREATE POLICY meeting_decisions_record ON "meeting_decisions" FOR INSERT
  WITH CHECK (coalesce(tansiq_claim('role') = 'coordinator', false) AND tansiq_can_see_meeting(meeting_id));
--> statement-breakpoint
CREATE TRIGGER meeting_decisions_no_change BEFORE UPDATE OR DELETE ON "meeting_decisions"
  FOR EACH ROW EXECUTE FUNCTION audit_log_reject();
--> statement-breakpoint
CREATE TRIGGER meeting_decisions_no_truncate BEFORE TRUNCATE ON "meeting_decisions"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_reject();
--> statement-breakpoint
ALTER TABLE "action_items" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "action_items" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY action_items_read ON "action_items" FOR SELECT USING (tansiq_can_see_meeting(meeting_id));
--> statement-breakpoint
CREATE POLICY action_items_create ON "action_items" FOR INSERT
  WITH CHECK (coalesce(tansiq_claim('role') = 'coordinator', false) AND tansiq_can_see_meeting(meeting_id));
--> statement-breakpoint
-- Coordinators edit and close; the owning centre's supervisors mark done; the leader marks overdue.
CREATE POLICY action_items_change ON "action_items" FOR UPDATE
  USING (coalesce(
    tansiq_claim('role') IN ('coordinator', 'system')
      OR (tansiq_claim('role') = 'supervisor' AND centre = tansiq_claim('centre')),
    false) AND tansiq_can_see_meeting(meeting_id))
  WITH CHECK (coalesce(
    tansiq_claim('role') IN ('coordinator', 'system')
      OR (tansiq_claim('role') = 'supervisor' AND centre = tansiq_claim('centre')),
    false));
--> statement-breakpoint

-- Meeting and action events: readable as their meeting (recipients = the participating centres);
-- a board reads every action event, of which the hub sends it only the owning centre (counts).
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
      WHEN 'meeting' THEN tlp IS NOT NULL AND tansiq_can_read_meeting(tlp, recipients)
      WHEN 'action' THEN tlp IS NOT NULL AND coalesce(tansiq_claim('role') = 'board' OR tansiq_can_read_meeting(tlp, recipients), false)
      WHEN 'staff' THEN coalesce(tansiq_claim('role') IN ('officer', 'supervisor', 'analyst', 'coordinator', 'board', 'system'), false)
      WHEN 'hub' THEN coalesce(tansiq_claim('role') = 'system', false)
      ELSE false
    END
  $$;
