CREATE DOMAIN posint AS int CHECK (VALUE > 0);  -- expect: ban-create-domain-with-constraint@29
CREATE DOMAIN d AS text NOT NULL;  -- expect: ban-create-domain-with-constraint@25
