CREATE TABLE "centres" (
	"code" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name_ar" text NOT NULL,
	"name_en" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "centres_code_format" CHECK ("centres"."code" ~ '^[A-Z][A-Z0-9_]{1,31}$'),
	CONSTRAINT "centres_kind_known" CHECK ("centres"."kind" in ('joint', 'studies'))
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"role" text NOT NULL,
	"centre" text,
	"password_hash" text NOT NULL,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_role_known" CHECK ("users"."role" in ('officer', 'supervisor', 'analyst', 'coordinator', 'board', 'admin')),
	CONSTRAINT "users_role_centre" CHECK (("users"."role" in ('officer', 'supervisor', 'analyst')) = ("users"."centre" is not null))
);
--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_centre_centres_code_fk" FOREIGN KEY ("centre") REFERENCES "public"."centres"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "users_username_lower_key" ON "users" USING btree (lower("username"));