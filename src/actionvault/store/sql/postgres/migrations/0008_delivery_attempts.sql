-- Each delivery's recent attempts, newest last, as a JSON array of
-- {"attempt", "at", "status", "error", "responseMs"}: what an administrator reads to see why a
-- receiver refused. The last 20 are kept (a short retry delay over a long window makes many).
ALTER TABLE webhook_deliveries ADD COLUMN attempt_log TEXT;
