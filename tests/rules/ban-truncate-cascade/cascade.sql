truncate a, b, c cascade;  -- expect: ban-truncate-cascade@18
