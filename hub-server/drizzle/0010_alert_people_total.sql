-- People involved now state their total (the persons involved); the counts by sex and by age are
-- each at most the total. Alerts stored before get the larger of their two breakdowns as total.
ALTER TABLE "alerts" DROP CONSTRAINT "alerts_people_counts_only";--> statement-breakpoint
UPDATE "alerts" SET "people" = "people" || jsonb_build_object('total', greatest(
    coalesce(("people" ->> 'women')::int, 0) + coalesce(("people" ->> 'men')::int, 0)
      + coalesce(("people" ->> 'sexUnknown')::int, 0),
    coalesce(("people" ->> 'children')::int, 0) + coalesce(("people" ->> 'adults')::int, 0)
      + coalesce(("people" ->> 'ageUnknown')::int, 0)))
  WHERE "people" IS NOT NULL AND NOT "people" ? 'total';--> statement-breakpoint
CREATE OR REPLACE FUNCTION tansiq_people_ok(p jsonb) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    -- coalesce: a check that comes out NULL would pass, so anything unknown is a refusal.
    SELECT p IS NULL OR coalesce(
      jsonb_typeof(p) = 'object'
      AND jsonb_typeof(p -> 'total') = 'number'
      AND NOT EXISTS (
        SELECT 1 FROM jsonb_each(p) AS e(k, v)
        WHERE k NOT IN ('total', 'women', 'men', 'sexUnknown', 'children', 'adults', 'ageUnknown',
                        'unaccompaniedChildren', 'injured', 'deceased', 'withDisabilities', 'needMedicalCare')
          OR CASE WHEN jsonb_typeof(v) = 'number'
               THEN (v #>> '{}')::numeric < 0 OR (v #>> '{}')::numeric <> trunc((v #>> '{}')::numeric)
                    OR (v #>> '{}')::numeric > (p ->> 'total')::numeric
               ELSE true END
      )
      -- Neither breakdown counts more persons than the total (only numbers reach the sums).
      AND (SELECT coalesce(sum((v #>> '{}')::numeric), 0) FROM jsonb_each(p) AS e(k, v)
           WHERE k IN ('women', 'men', 'sexUnknown') AND jsonb_typeof(v) = 'number')
          <= (p ->> 'total')::numeric
      AND (SELECT coalesce(sum((v #>> '{}')::numeric), 0) FROM jsonb_each(p) AS e(k, v)
           WHERE k IN ('children', 'adults', 'ageUnknown') AND jsonb_typeof(v) = 'number')
          <= (p ->> 'total')::numeric,
      false)
  $$;
--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_people_counts_only" CHECK (tansiq_people_ok("alerts"."people"));--> statement-breakpoint
ALTER TABLE "alert_updates" ADD COLUMN "people" jsonb;--> statement-breakpoint
ALTER TABLE "alert_updates" ADD CONSTRAINT "alert_updates_people_counts_only" CHECK (tansiq_people_ok("alert_updates"."people"));