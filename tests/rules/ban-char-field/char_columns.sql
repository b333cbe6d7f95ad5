CREATE TABLE t (
  a char(10),  -- expect: ban-char-field@5
  b character(5),  -- expect: ban-char-field@5
  c bpchar,  -- expect: ban-char-field@5
  d char[],  -- expect: ban-char-field@5
  e text
);
ALTER TABLE t ADD COLUMN f CHAR;  -- expect: ban-char-field@28
