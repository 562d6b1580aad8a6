CREATE TABLE note (id uuid PRIMARY KEY, tenant text NOT NULL, text text NOT NULL);
