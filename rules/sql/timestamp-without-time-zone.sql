CREATE TABLE events (
  id bigserial PRIMARY KEY,
  -- ruleid: sql.timestamp-without-time-zone
  created_at TIMESTAMP NOT NULL DEFAULT now(),
  -- ruleid: sql.timestamp-without-time-zone
  processed_at timestamp without time zone,
  -- ok: sql.timestamp-without-time-zone
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- ok: sql.timestamp-without-time-zone
  scheduled_at timestamp with time zone
);
