-- The writer of an event learns its number without reading the row back (which would need the
-- row to pass the read policy, and hub messages pass none): the numbering trigger leaves the last
-- number it gave in this transaction in `tansiq.event_seq`, and `tansiq_append_event` inserts one
-- event as its caller (the insert policy applies) and answers its number and time. The writing
-- process hands its own committed events to its sockets at once; every other process reads them
-- from the log when woken.
CREATE OR REPLACE FUNCTION events_number() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      UPDATE event_counter SET last = last + 1 WHERE id = 1 RETURNING last INTO NEW.seq;
      PERFORM set_config('tansiq.event_seq', NEW.seq::text, true);
      RETURN NEW;
    END
  $$;
--> statement-breakpoint
-- [number, time in milliseconds since 1970] of the event just appended.
CREATE FUNCTION tansiq_append_event(
  event_type text, event_audience text, event_centre text, event_tlp text,
  event_recipients text[], event_entity_id text, event_data jsonb
) RETURNS float8[]
  LANGUAGE plpgsql
  AS $$
    BEGIN
      INSERT INTO events (seq, type, audience, centre, tlp, recipients, entity_id, data)
        VALUES (0, event_type, event_audience, event_centre, event_tlp, event_recipients, event_entity_id, event_data);
      RETURN ARRAY[
        current_setting('tansiq.event_seq')::float8,
        floor(extract(epoch FROM now()) * 1000)::float8
      ];
    END
  $$;
--> statement-breakpoint
-- The notification now says the last number committed by the statement, so a process that has
-- delivered it already (its own writes) does not read the log for nothing.
CREATE OR REPLACE FUNCTION events_notify() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM pg_notify('tansiq_events', current_setting('tansiq.event_seq', true));
      RETURN NULL;
    END
  $$;
