-- Checkout's double-charge guard (lib/payments/checkout.ts, claimCapture) as one call: one round trip instead of
-- four (begin, the buyer's row lock, the claim, commit), and no query to render per capture.
--
-- What stands in the way of capturing an order: what it pays for is already owned through another order (or a
-- grant), or another order of the same buyer for it is being captured or is pending. A store buyer is the order's
-- user; an LMS learner is every handoff of the same connection, subject and class (each "Join now" is a new one).

CREATE FUNCTION capture_owned_elsewhere(p_order uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (
    -- An active full enrollment in one of the order's courses that another order or a grant gave the buyer.
    SELECT 1 FROM orders o
    JOIN order_items mine ON mine.order_id = o.id
    JOIN enrollments e ON e.user_id = o.user_id AND e.course_id = mine.course_id AND e.status = 'active' AND e.mode = 'full'
    LEFT JOIN order_items via ON via.id = e.order_item_id
    WHERE o.id = p_order AND via.order_id IS DISTINCT FROM p_order
  ) OR EXISTS (
    -- Another order of the learner's handoffs for this class, paid.
    SELECT 1 FROM orders o
    JOIN gateway_handoffs mine ON mine.id = o.gateway_handoff_id
    JOIN gateway_handoffs sibling_handoff ON sibling_handoff.connection_id = mine.connection_id AND sibling_handoff.sub = mine.sub AND sibling_handoff.lms_class = mine.lms_class
    JOIN orders sibling ON sibling.gateway_handoff_id = sibling_handoff.id
    WHERE o.id = p_order AND sibling.id <> p_order AND sibling.status IN ('completed', 'partially_refunded')
  )
$$;
--> statement-breakpoint
-- Pending, or approved with a capture started after p_since (older claims are presumed dead).
CREATE FUNCTION capture_in_flight_elsewhere(p_order uuid, p_since timestamptz) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (
    SELECT 1 FROM orders o
    JOIN order_items mine ON mine.order_id = o.id
    JOIN order_items other_item ON other_item.course_id = mine.course_id AND other_item.order_id <> p_order
    JOIN orders other ON other.id = other_item.order_id AND other.user_id = o.user_id
    WHERE o.id = p_order
      AND (other.status = 'pending' OR (other.status = 'approved' AND other.capture_started_at > p_since))
  ) OR EXISTS (
    SELECT 1 FROM orders o
    JOIN gateway_handoffs mine ON mine.id = o.gateway_handoff_id
    JOIN gateway_handoffs sibling_handoff ON sibling_handoff.connection_id = mine.connection_id AND sibling_handoff.sub = mine.sub AND sibling_handoff.lms_class = mine.lms_class
    JOIN orders sibling ON sibling.gateway_handoff_id = sibling_handoff.id
    WHERE o.id = p_order AND sibling.id <> p_order
      AND (sibling.status = 'pending' OR (sibling.status = 'approved' AND sibling.capture_started_at > p_since))
  )
$$;
--> statement-breakpoint
-- Marks the order approved with its capture in flight, from a status in p_claimable (the state machine's, passed
-- by the caller), unless something above stands in the way; outcome 'claimed' (with the capture attempt, the
-- idempotency key's counter), 'owned' or 'in_flight'.
--
-- Two claims of one buyer take turns on their user row (a learner's: on the connection's row), held until the
-- call's statement commits. NO KEY UPDATE: foreign-key checks of a concurrent fulfil()'s enrollment inserts (key
-- share locks on the same row) do not wait on it; FOR UPDATE deadlocks against them. The guards then run in a later
-- statement than the lock: a VOLATILE function's statements each take a new snapshot (READ COMMITTED), so the claim
-- sees every claim committed while it waited for the lock. A single statement with the lock in a CTE would not (its
-- snapshot is taken before the wait), and two tabs could both be charged.
CREATE FUNCTION claim_capture(p_order uuid, p_claimable order_status[], p_claim_seconds integer, OUT outcome text, OUT attempt integer)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  since timestamptz := now() - make_interval(secs => p_claim_seconds);
BEGIN
  PERFORM 1 FROM users u JOIN orders o ON o.user_id = u.id WHERE o.id = p_order FOR NO KEY UPDATE OF u;
  PERFORM 1 FROM gateway_connections c
    JOIN gateway_handoffs h ON h.connection_id = c.id
    JOIN orders o ON o.gateway_handoff_id = h.id
    WHERE o.id = p_order FOR NO KEY UPDATE OF c;
  -- The update's row lock also waits for a concurrent fulfil() of this order and re-checks the status after it.
  UPDATE orders SET status = 'approved', capture_started_at = now(), updated_at = now()
    WHERE id = p_order AND status = ANY (p_claimable)
      AND NOT capture_owned_elsewhere(p_order) AND NOT capture_in_flight_elsewhere(p_order, since)
    RETURNING capture_attempt INTO attempt;
  -- Not claimed (rare): say why. Owned wins; otherwise another capture is in flight, or the order settled meanwhile
  -- and the buyer's next read shows how.
  outcome := CASE WHEN FOUND THEN 'claimed' WHEN capture_owned_elsewhere(p_order) THEN 'owned' ELSE 'in_flight' END;
END;
$$;
