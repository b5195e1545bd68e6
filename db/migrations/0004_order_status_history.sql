-- Every status an order takes is recorded by the database itself: no code path (checkout, fulfil, refunds,
-- notifications, reconciliation, an operator's SQL) can move an order without leaving a line in its timeline.
CREATE FUNCTION record_order_status_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO order_status_changes (order_id, from_status, to_status, changed_at) VALUES (NEW.id, NULL, NEW.status, NEW.created_at);
  ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
    INSERT INTO order_status_changes (order_id, from_status, to_status) VALUES (NEW.id, OLD.status, NEW.status);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER orders_status_history
  AFTER INSERT OR UPDATE OF status ON orders
  FOR EACH ROW EXECUTE FUNCTION record_order_status_change();
--> statement-breakpoint
-- Orders that existed before the timeline: their current status, as of their last update.
INSERT INTO order_status_changes (order_id, from_status, to_status, changed_at)
SELECT id, NULL, status, updated_at FROM orders;
