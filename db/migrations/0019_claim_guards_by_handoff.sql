-- The capture guards' LMS-learner arm starts from the order's own handoff, read through the primary key. Joined from
-- `orders o` instead, a store whose gateway_handoffs table is empty (every store that does not sell LMS classes:
-- the planner knows the table has no rows and puts it first) got a plan that read every order, sequentially, on every
-- capture claim: 5,000 rows per claim in bench:checkout's seeded store, a million in a store that size.

CREATE OR REPLACE FUNCTION capture_owned_elsewhere(p_order uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (
    -- An active full enrollment in one of the order's courses that another order or a grant gave the buyer.
    SELECT 1 FROM orders o
    JOIN order_items mine ON mine.order_id = o.id
    JOIN enrollments e ON e.user_id = o.user_id AND e.course_id = mine.course_id AND e.status = 'active' AND e.mode = 'full'
    LEFT JOIN order_items via ON via.id = e.order_item_id
    WHERE o.id = p_order AND via.order_id IS DISTINCT FROM p_order
  ) OR EXISTS (
    -- Another order of the learner's handoffs for this class, paid.
    SELECT 1 FROM gateway_handoffs mine
    JOIN gateway_handoffs sibling_handoff ON sibling_handoff.connection_id = mine.connection_id AND sibling_handoff.sub = mine.sub AND sibling_handoff.lms_class = mine.lms_class
    JOIN orders sibling ON sibling.gateway_handoff_id = sibling_handoff.id
    WHERE mine.id = (SELECT gateway_handoff_id FROM orders WHERE id = p_order)
      AND sibling.id <> p_order AND sibling.status IN ('completed', 'partially_refunded')
  )
$$;
--> statement-breakpoint
-- Pending, or approved with a capture started after p_since (older claims are presumed dead).
CREATE OR REPLACE FUNCTION capture_in_flight_elsewhere(p_order uuid, p_since timestamptz) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (
    SELECT 1 FROM orders o
    JOIN order_items mine ON mine.order_id = o.id
    JOIN order_items other_item ON other_item.course_id = mine.course_id AND other_item.order_id <> p_order
    JOIN orders other ON other.id = other_item.order_id AND other.user_id = o.user_id
    WHERE o.id = p_order
      AND (other.status = 'pending' OR (other.status = 'approved' AND other.capture_started_at > p_since))
  ) OR EXISTS (
    SELECT 1 FROM gateway_handoffs mine
    JOIN gateway_handoffs sibling_handoff ON sibling_handoff.connection_id = mine.connection_id AND sibling_handoff.sub = mine.sub AND sibling_handoff.lms_class = mine.lms_class
    JOIN orders sibling ON sibling.gateway_handoff_id = sibling_handoff.id
    WHERE mine.id = (SELECT gateway_handoff_id FROM orders WHERE id = p_order) AND sibling.id <> p_order
      AND (sibling.status = 'pending' OR (sibling.status = 'approved' AND sibling.capture_started_at > p_since))
  )
$$;
