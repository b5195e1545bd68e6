const format = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

/** Admin times are shown in UTC (PayPal's dashboards and our CSV use it), with the exact instant machine-readable. */
export function DateTime({ value }: { value: Date }) {
  return <time dateTime={value.toISOString()}>{format.format(value)} UTC</time>;
}
