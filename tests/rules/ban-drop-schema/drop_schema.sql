DROP SCHEMA reporting CASCADE;  -- expect: ban-drop-schema
DROP SCHEMA IF EXISTS old;  -- expect: ban-drop-schema
