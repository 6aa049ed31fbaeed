CREATE TABLE "alert_acks" (
	"alert_id" uuid NOT NULL,
	"centre" text NOT NULL,
	"user_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_acks_alert_id_centre_pk" PRIMARY KEY("alert_id","centre")
);
--> statement-breakpoint
CREATE TABLE "alert_deadlines" (
	"alert_id" uuid NOT NULL,
	"centre" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"settled_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	CONSTRAINT "alert_deadlines_alert_id_centre_pk" PRIMARY KEY("alert_id","centre")
);
--> statement-breakpoint
CREATE TABLE "alert_deliveries" (
	"alert_id" uuid NOT NULL,
	"centre" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_deliveries_alert_id_centre_pk" PRIMARY KEY("alert_id","centre")
);
--> statement-breakpoint
CREATE TABLE "alert_updates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"alert_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"user_id" uuid,
	"centre" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "centre_presence" (
	"centre" text PRIMARY KEY NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"silent_since" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "events" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"audience" text NOT NULL,
	"centre" text,
	"tlp" text,
	"recipients" text[] DEFAULT '{}'::text[] NOT NULL,
	"entity_id" text,
	"data" jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "request_hash" text;--> statement-breakpoint
ALTER TABLE "alert_acks" ADD CONSTRAINT "alert_acks_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_acks" ADD CONSTRAINT "alert_acks_centre_centres_code_fk" FOREIGN KEY ("centre") REFERENCES "public"."centres"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_acks" ADD CONSTRAINT "alert_acks_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_deadlines" ADD CONSTRAINT "alert_deadlines_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_deadlines" ADD CONSTRAINT "alert_deadlines_centre_centres_code_fk" FOREIGN KEY ("centre") REFERENCES "public"."centres"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_centre_centres_code_fk" FOREIGN KEY ("centre") REFERENCES "public"."centres"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_updates" ADD CONSTRAINT "alert_updates_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_updates" ADD CONSTRAINT "alert_updates_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "centre_presence" ADD CONSTRAINT "centre_presence_centre_centres_code_fk" FOREIGN KEY ("centre") REFERENCES "public"."centres"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_deadlines_due_idx" ON "alert_deadlines" USING btree ("due_at") WHERE settled_at is null;--> statement-breakpoint
CREATE INDEX "alert_updates_alert_idx" ON "alert_updates" USING btree ("alert_id","at");