import { formatMoney, type Money } from "@/lib/money";

export function Price({ amount, className }: { amount: Money; className?: string }) {
  return <span className={className}>{amount.minor === 0 ? "Free" : formatMoney(amount)}</span>;
}
