CREATE TABLE items (id bigint PRIMARY KEY, label text);
CREATE INDEX items_label_idx ON items (label);
