/**
 * The test page for the SDK stand-in: the real, unmodified @paypal/react-paypal-js components under React
 * StrictMode, with a server-side create/capture like the storefront's. Every callback writes a line to the
 * "Events" list, which the Playwright spec reads.
 */
import { PayPalButtons, PayPalScriptProvider } from "@paypal/react-paypal-js";
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";

interface HarnessConfig {
  emulatorUrl: string;
  clientId: string;
}

const config = (window as unknown as { __HARNESS__: HarnessConfig }).__HARNESS__;

function Checkout() {
  const [events, setEvents] = useState<string[]>([]);
  const log = (line: string) => setEvents((lines) => [...lines, line]);
  return (
    <main>
      <h1>SDK harness checkout</h1>
      <PayPalButtons
        createOrder={async () => {
          const { id } = (await (await fetch("/api/orders", { method: "POST" })).json()) as { id: string };
          log(`created ${id}`);
          return id;
        }}
        onApprove={async (data, actions) => {
          log(`approved ${data.orderID} by ${data.payerID ?? "?"}`);
          const response = await fetch(`/api/orders/${data.orderID}/capture`, { method: "POST" });
          const body = (await response.json()) as {
            details?: Array<{ issue: string }>;
            purchase_units?: Array<{ payments: { captures: Array<{ id: string; status: string }> } }>;
          };
          if (body.details?.[0]?.issue === "INSTRUMENT_DECLINED") {
            log("declined, restarting");
            return actions.restart();
          }
          const capture = body.purchase_units?.[0]?.payments.captures[0];
          log(`captured ${capture?.status ?? "nothing"} ${capture?.id ?? ""}`.trim());
        }}
        onCancel={(data) => log(`cancelled ${String(data.orderID)}`)}
        onError={(error) => log(`error ${error instanceof Error ? error.message : String(error)}`)}
      />
      <ol aria-label="Events">
        {events.map((line, index) => (
          <li key={index}>{line}</li>
        ))}
      </ol>
    </main>
  );
}

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <PayPalScriptProvider options={{ clientId: config.clientId, sdkBaseUrl: `${config.emulatorUrl}/sdk/js`, currency: "USD", intent: "capture" }}>
      <Checkout />
    </PayPalScriptProvider>
  </StrictMode>,
);
