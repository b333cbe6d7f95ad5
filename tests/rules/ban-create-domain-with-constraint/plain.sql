CREATE DOMAIN name_text AS text;
CREATE DOMAIN short AS varchar(20);
CREATE DOMAIN zero AS int DEFAULT 0;
