-- The capture guards become PL/pgSQL with unchanged bodies. As SQL functions that the planner cannot inline (they
-- are called from a PL/pgSQL UPDATE's filter), PostgreSQL parsed and planned their queries again on every call: a
-- capture claim spent 2.5-6.5 ms of database CPU there (auto_explain: the UPDATE's one-time filter; the queries'
-- own execution, 0.05-0.09 ms in pg_stat_statements). A PL/pgSQL function keeps its plan for the session.

CREATE OR REPLACE FUNCTION capture_owned_elsewhere(p_order uuid) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN EXISTS (
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
    );
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION capture_in_flight_elsewhere(p_order uuid, p_since timestamptz) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN EXISTS (
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
    );
END;
$$;
