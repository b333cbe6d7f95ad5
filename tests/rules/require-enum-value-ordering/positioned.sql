ALTER TYPE status ADD VALUE 'pending' BEFORE 'active';
ALTER TYPE status ADD VALUE 'deleted' AFTER 'archived';
ALTER TYPE status RENAME VALUE 'deleted' TO 'removed';
