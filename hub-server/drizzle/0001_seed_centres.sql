-- The four centres of the JTCT for Border Security. Centres are data: a new joint centre is a new row.
INSERT INTO "centres" ("code", "kind", "name_ar", "name_en") VALUES
  ('EAST', 'joint', 'المركز المشترك — الشرق', 'Joint Centre — East'),
  ('WEST', 'joint', 'المركز المشترك — الغرب', 'Joint Centre — West'),
  ('SOUTH', 'joint', 'المركز المشترك — الجنوب', 'Joint Centre — South'),
  ('STUDIES', 'studies', 'مركز الدراسات', 'Studies Centre')
ON CONFLICT ("code") DO NOTHING;
