-- The notes of the notes-crud example: apply with `tasker db migrate tasks/migrations`.
CREATE TABLE notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title text NOT NULL UNIQUE,
  body text,
  done boolean NOT NULL DEFAULT false,
  tags text[] NOT NULL DEFAULT '{}',
  meta jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
