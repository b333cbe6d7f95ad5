ALTER TABLE items ADD PRIMARY KEY (id);  -- expect: require-primary-key-using-index@23
ALTER TABLE a ADD COLUMN b SERIAL PRIMARY KEY;  -- expect: require-primary-key-using-index@35
