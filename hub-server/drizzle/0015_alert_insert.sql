-- Most alerts carry no people counts: testing for null first spares their insert the call of
-- tansiq_people_ok (a SQL function with a subquery, which PostgreSQL cannot inline into a check).
-- The rule is unchanged: null, or counts only.
ALTER TABLE "alerts" DROP CONSTRAINT "alerts_people_counts_only";--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_people_counts_only" CHECK ("alerts"."people" is null or tansiq_people_ok("alerts"."people"));