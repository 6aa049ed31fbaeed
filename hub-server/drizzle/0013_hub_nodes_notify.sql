CREATE TABLE "hub_nodes" (
	"id" text PRIMARY KEY NOT NULL,
	"centres" text[] DEFAULT '{}' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Wakes every hub process's event-log reader when events commit (NOTIFY is delivered at commit, to
-- every session listening, the writer's own included; several in one transaction arrive as one).
-- The log stays the source of truth: a reader that missed a notification finds the rows on its
-- next read.
CREATE FUNCTION events_notify() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM pg_notify('tansiq_events', '');
      RETURN NULL;
    END
  $$;
--> statement-breakpoint
CREATE TRIGGER events_notify AFTER INSERT ON "events"
  FOR EACH STATEMENT EXECUTE FUNCTION events_notify();
