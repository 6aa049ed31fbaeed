-- A missed acknowledgement deadline was written as an escalation whose body was the English word
-- "deadline"; it is its own kind now, with no body (the console words it in the reader's language).
UPDATE "alert_updates" SET "kind" = 'deadline_missed', "body" = ''
  WHERE "kind" = 'escalated' AND "body" = 'deadline' AND "user_id" IS NULL;
