CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');  -- expect: avoid-creating-enum
CREATE TYPE app."Role" AS ENUM ('ADMIN', 'USER');  -- expect: avoid-creating-enum
