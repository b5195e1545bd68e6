import type { OrderStatus } from "@/db/schema";
import { Badge } from "@/components/ui/badge";

const TONES: Record<OrderStatus, "green" | "amber" | "red" | "neutral" | "blue"> = {
  completed: "green",
  partially_refunded: "amber",
  refunded: "neutral",
  reversed: "red",
  pending: "amber",
  approved: "blue",
  created: "neutral",
  cancelled: "neutral",
  failed: "red",
  expired: "neutral",
};

export const statusLabel = (status: OrderStatus) => status.replace("_", " ");

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  return <Badge tone={TONES[status]}>{statusLabel(status)}</Badge>;
}
