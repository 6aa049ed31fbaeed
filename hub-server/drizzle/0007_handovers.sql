CREATE TABLE "handover_addenda" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"handover_id" uuid NOT NULL,
	"centre" text NOT NULL,
	"body" text NOT NULL,
	"author_id" uuid NOT NULL,
	"author_name" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"chain_position" integer NOT NULL,
	"previous_seal" text NOT NULL,
	"seal" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "handover_overdue" (
	"centre" text NOT NULL,
	"shift_start" timestamp with time zone NOT NULL,
	"raised_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "handover_overdue_centre_shift_start_pk" PRIMARY KEY("centre","shift_start")
);
--> statement-breakpoint
CREATE TABLE "handover_thread" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"handover_id" uuid NOT NULL,
	"centre" text NOT NULL,
	"kind" text NOT NULL,
	"body" text NOT NULL,
	"user_id" uuid NOT NULL,
	"user_name" text NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "handover_thread_kind_known" CHECK ("handover_thread"."kind" in ('question', 'answer'))
);
--> statement-breakpoint
CREATE TABLE "handovers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"centre" text NOT NULL,
	"shift_start" timestamp with time zone NOT NULL,
	"shift_end" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"author_id" uuid NOT NULL,
	"author_name" text NOT NULL,
	"content" jsonb NOT NULL,
	"carried" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"snapshot" jsonb,
	"submitted_at" timestamp (3) with time zone,
	"submitted_by" uuid,
	"submitted_by_name" text,
	"accepted_at" timestamp (3) with time zone,
	"accepted_by" uuid,
	"accepted_by_name" text,
	"chain_position" integer,
	"previous_seal" text,
	"seal" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "handovers_status_known" CHECK ("handovers"."status" in ('draft', 'submitted', 'accepted')),
	CONSTRAINT "handovers_sealed_when_accepted" CHECK (("handovers"."status" = 'accepted') = ("handovers"."seal" is not null and "handovers"."chain_position" is not null and "handovers"."accepted_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "handover_addenda" ADD CONSTRAINT "handover_addenda_handover_id_handovers_id_fk" FOREIGN KEY ("handover_id") REFERENCES "public"."handovers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handover_addenda" ADD CONSTRAINT "handover_addenda_centre_centres_code_fk" FOREIGN KEY ("centre") REFERENCES "public"."centres"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handover_addenda" ADD CONSTRAINT "handover_addenda_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handover_overdue" ADD CONSTRAINT "handover_overdue_centre_centres_code_fk" FOREIGN KEY ("centre") REFERENCES "public"."centres"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handover_thread" ADD CONSTRAINT "handover_thread_handover_id_handovers_id_fk" FOREIGN KEY ("handover_id") REFERENCES "public"."handovers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handover_thread" ADD CONSTRAINT "handover_thread_centre_centres_code_fk" FOREIGN KEY ("centre") REFERENCES "public"."centres"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handover_thread" ADD CONSTRAINT "handover_thread_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handovers" ADD CONSTRAINT "handovers_centre_centres_code_fk" FOREIGN KEY ("centre") REFERENCES "public"."centres"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handovers" ADD CONSTRAINT "handovers_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handovers" ADD CONSTRAINT "handovers_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handovers" ADD CONSTRAINT "handovers_accepted_by_users_id_fk" FOREIGN KEY ("accepted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "handover_addenda_centre_chain_key" ON "handover_addenda" USING btree ("centre","chain_position");--> statement-breakpoint
CREATE INDEX "handover_addenda_handover_idx" ON "handover_addenda" USING btree ("handover_id","at");--> statement-breakpoint
CREATE INDEX "handover_thread_handover_idx" ON "handover_thread" USING btree ("handover_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "handovers_centre_shift_key" ON "handovers" USING btree ("centre","shift_start");--> statement-breakpoint
CREATE UNIQUE INDEX "handovers_centre_chain_key" ON "handovers" USING btree ("centre","chain_position");--> statement-breakpoint

-- A sealed (accepted) handover never changes: no UPDATE, no DELETE, whoever asks (the owner too).
CREATE FUNCTION handovers_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF OLD.status = 'accepted' THEN
      RAISE EXCEPTION 'handover % is accepted and sealed: it cannot change (add an addendum)', OLD.id
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END $$;
--> statement-breakpoint
CREATE TRIGGER handovers_sealed BEFORE UPDATE OR DELETE ON "handovers"
  FOR EACH ROW EXECUTE FUNCTION handovers_guard();
--> statement-breakpoint
CREATE TRIGGER handovers_no_truncate BEFORE TRUNCATE ON "handovers"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_reject();
--> statement-breakpoint
-- The thread, the addenda and the overdue announcements are append-only.
CREATE TRIGGER handover_thread_no_change BEFORE UPDATE OR DELETE ON "handover_thread"
  FOR EACH ROW EXECUTE FUNCTION audit_log_reject();
--> statement-breakpoint
CREATE TRIGGER handover_thread_no_truncate BEFORE TRUNCATE ON "handover_thread"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_reject();
--> statement-breakpoint
CREATE TRIGGER handover_addenda_no_change BEFORE UPDATE OR DELETE ON "handover_addenda"
  FOR EACH ROW EXECUTE FUNCTION audit_log_reject();
--> statement-breakpoint
CREATE TRIGGER handover_addenda_no_truncate BEFORE TRUNCATE ON "handover_addenda"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_reject();
--> statement-breakpoint
CREATE TRIGGER handover_overdue_no_change BEFORE UPDATE OR DELETE ON "handover_overdue"
  FOR EACH ROW EXECUTE FUNCTION audit_log_reject();
--> statement-breakpoint

-- Handover read policy, the database's copy of handoverAccess in shared/src/policy.ts: the centre's
-- own officers and supervisors, coordinators, and the hub's own workers. The board's status-only
-- view is compiled by the hub, never read from these tables with a board's claims.
CREATE FUNCTION tansiq_can_read_handover(centre text) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(
      CASE tansiq_claim('role')
        WHEN 'officer' THEN centre = tansiq_claim('centre')
        WHEN 'supervisor' THEN centre = tansiq_claim('centre')
        WHEN 'coordinator' THEN true
        WHEN 'system' THEN true
        ELSE false
      END, false)
  $$;
--> statement-breakpoint
CREATE FUNCTION tansiq_can_write_handover(centre text) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT coalesce(tansiq_claim('role') = 'supervisor' AND centre = tansiq_claim('centre'), false) $$;
--> statement-breakpoint
ALTER TABLE "handovers" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "handovers" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY handovers_read ON "handovers" FOR SELECT USING (tansiq_can_read_handover(centre));
--> statement-breakpoint
CREATE POLICY handovers_draft ON "handovers" FOR INSERT WITH CHECK (tansiq_can_write_handover(centre));
--> statement-breakpoint
CREATE POLICY handovers_change ON "handovers" FOR UPDATE
  USING (tansiq_can_write_handover(centre)) WITH CHECK (tansiq_can_write_handover(centre));
--> statement-breakpoint
ALTER TABLE "handover_thread" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "handover_thread" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY handover_thread_read ON "handover_thread" FOR SELECT USING (tansiq_can_read_handover(centre));
--> statement-breakpoint
CREATE POLICY handover_thread_write ON "handover_thread" FOR INSERT WITH CHECK (tansiq_can_write_handover(centre));
--> statement-breakpoint
ALTER TABLE "handover_addenda" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "handover_addenda" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY handover_addenda_read ON "handover_addenda" FOR SELECT USING (tansiq_can_read_handover(centre));
--> statement-breakpoint
CREATE POLICY handover_addenda_write ON "handover_addenda" FOR INSERT WITH CHECK (tansiq_can_write_handover(centre));
--> statement-breakpoint
ALTER TABLE "handover_overdue" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "handover_overdue" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY handover_overdue_read ON "handover_overdue" FOR SELECT USING (tansiq_can_read_handover(centre));
--> statement-breakpoint
CREATE POLICY handover_overdue_raise ON "handover_overdue" FOR INSERT WITH CHECK (coalesce(tansiq_claim('role') = 'system', false));
--> statement-breakpoint

-- Handover events: readable by the centre's staff, coordinators and the board (which gets a
-- status-only projection from the hub), as canReadEvent says.
CREATE OR REPLACE FUNCTION tansiq_can_read_event(audience text, origin text, tlp text, recipients text[]) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT CASE audience
      WHEN 'alert' THEN tansiq_can_read_alert(origin, tlp, recipients)
      WHEN 'handover' THEN coalesce(
        tansiq_claim('role') IN ('coordinator', 'board', 'system')
          OR (tansiq_claim('role') IN ('officer', 'supervisor') AND origin = tansiq_claim('centre')),
        false)
      WHEN 'staff' THEN coalesce(tansiq_claim('role') IN ('officer', 'supervisor', 'analyst', 'coordinator', 'board', 'system'), false)
      WHEN 'hub' THEN coalesce(tansiq_claim('role') = 'system', false)
      ELSE false
    END
  $$;
