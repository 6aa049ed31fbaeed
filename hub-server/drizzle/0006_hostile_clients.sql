DROP TABLE "hub_secrets" CASCADE;--> statement-breakpoint
ALTER TABLE "refresh_tokens" ADD COLUMN "rotated_at" timestamp with time zone;--> statement-breakpoint

-- Alert activity (timeline notes, acknowledgements, deliveries, deadlines) carries as much as the
-- alert itself: a row is visible exactly when its alert is visible to the caller (the subquery
-- runs under the alerts table's own row-level security), and without claims nothing is.
CREATE FUNCTION tansiq_can_see_alert(alert uuid) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT EXISTS (SELECT 1 FROM alerts WHERE alerts.id = alert) $$;
--> statement-breakpoint
ALTER TABLE "alert_updates" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "alert_updates" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY alert_updates_read ON "alert_updates" FOR SELECT USING (tansiq_can_see_alert(alert_id));
--> statement-breakpoint
CREATE POLICY alert_updates_write ON "alert_updates" FOR INSERT
  WITH CHECK (tansiq_claim('role') IS NOT NULL AND tansiq_can_see_alert(alert_id));
--> statement-breakpoint
ALTER TABLE "alert_acks" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "alert_acks" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY alert_acks_read ON "alert_acks" FOR SELECT USING (tansiq_can_see_alert(alert_id));
--> statement-breakpoint
CREATE POLICY alert_acks_write ON "alert_acks" FOR INSERT
  WITH CHECK (tansiq_claim('role') IN ('officer', 'supervisor') AND centre = tansiq_claim('centre') AND tansiq_can_see_alert(alert_id));
--> statement-breakpoint
ALTER TABLE "alert_deliveries" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "alert_deliveries" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY alert_deliveries_read ON "alert_deliveries" FOR SELECT USING (tansiq_can_see_alert(alert_id));
--> statement-breakpoint
CREATE POLICY alert_deliveries_write ON "alert_deliveries" FOR INSERT
  WITH CHECK (tansiq_claim('role') IS NOT NULL AND centre = tansiq_claim('centre') AND tansiq_can_see_alert(alert_id));
--> statement-breakpoint
ALTER TABLE "alert_deadlines" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "alert_deadlines" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY alert_deadlines_read ON "alert_deadlines" FOR SELECT USING (tansiq_can_see_alert(alert_id));
--> statement-breakpoint
CREATE POLICY alert_deadlines_write ON "alert_deadlines" FOR INSERT
  WITH CHECK (tansiq_claim('role') IS NOT NULL AND tansiq_can_see_alert(alert_id));
--> statement-breakpoint
CREATE POLICY alert_deadlines_settle ON "alert_deadlines" FOR UPDATE
  USING (tansiq_claim('role') IS NOT NULL AND tansiq_can_see_alert(alert_id))
  WITH CHECK (tansiq_can_see_alert(alert_id));
