CREATE INDEX t_wide ON t (a, b, c, d);  -- expect: prefer-narrow-index
