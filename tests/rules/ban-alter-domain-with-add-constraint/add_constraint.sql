ALTER DOMAIN positive ADD CONSTRAINT positive_check CHECK (VALUE > 0);  -- expect: ban-alter-domain-with-add-constraint@23
