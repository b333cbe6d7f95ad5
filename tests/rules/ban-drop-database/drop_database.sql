DROP DATABASE "olddb";  -- expect: ban-drop-database
DROP DATABASE IF EXISTS scratch;  -- expect: ban-drop-database
