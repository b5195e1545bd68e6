-- payment_events is the raw record of everything PayPal told us. Rows are never deleted and their payload is
-- never rewritten; only the processing columns (processed_at, outcome, order_id) may be filled in later, and
-- verified / dedupe_key may be set once where they were unknown on arrival (an IPN is stored before PayPal
-- confirms it, and only a confirmed IPN may claim its txn_id + payment_status).
CREATE FUNCTION payment_events_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'payment_events is append-only: rows cannot be deleted';
  END IF;
  IF NEW.provider IS DISTINCT FROM OLD.provider
     OR NEW.source IS DISTINCT FROM OLD.source
     OR NEW.type IS DISTINCT FROM OLD.type
     OR (OLD.dedupe_key IS NOT NULL AND NEW.dedupe_key IS DISTINCT FROM OLD.dedupe_key)
     OR NEW.http_status IS DISTINCT FROM OLD.http_status
     OR NEW.raw IS DISTINCT FROM OLD.raw
     OR NEW.headers IS DISTINCT FROM OLD.headers
     OR (OLD.verified IS NOT NULL AND NEW.verified IS DISTINCT FROM OLD.verified)
     OR NEW.received_at IS DISTINCT FROM OLD.received_at THEN
    RAISE EXCEPTION 'payment_events is append-only: the recorded payload cannot change';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER payment_events_append_only
  BEFORE UPDATE OR DELETE ON payment_events
  FOR EACH ROW EXECUTE FUNCTION payment_events_append_only();
