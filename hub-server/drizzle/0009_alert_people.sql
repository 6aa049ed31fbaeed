-- People involved are counts only: the known keys, each a whole number from 0. No text can be
-- stored there, whoever writes (a second wall behind the hub's schema).
CREATE FUNCTION tansiq_people_ok(p jsonb) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT p IS NULL OR (
      jsonb_typeof(p) = 'object'
      AND NOT EXISTS (
        SELECT 1 FROM jsonb_each(p) AS e(k, v)
        WHERE k NOT IN ('women', 'men', 'sexUnknown', 'children', 'adults', 'ageUnknown',
                        'unaccompaniedChildren', 'injured', 'deceased', 'withDisabilities', 'needMedicalCare')
          OR CASE WHEN jsonb_typeof(v) = 'number'
               THEN (v #>> '{}')::numeric < 0 OR (v #>> '{}')::numeric <> trunc((v #>> '{}')::numeric)
               ELSE true END
      )
    )
  $$;
--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "people" jsonb;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_people_counts_only" CHECK (tansiq_people_ok("alerts"."people"));