/**
 * Browser stand-in for PayPal's classic JS SDK (`/sdk/js`), as far as `@paypal/react-paypal-js`'s
 * PayPalScriptProvider and PayPalButtons use it (shared/reference/paypal-js-sdk.md). Compiled to a plain IIFE by
 * the emulator; runs in the merchant's page.
 */
export {};

/** Replaced at serve time with the emulator's public URL (origin of the approval popup and its messages). */
declare const __PAYPAL_EMULATOR_PUBLIC_URL__: string;

type Callback = (...args: unknown[]) => unknown;

interface ButtonsOptions {
  createOrder?: Callback;
  createSubscription?: Callback;
  onApprove?: Callback;
  onCancel?: Callback;
  onError?: Callback;
  onClick?: Callback;
  onInit?: Callback;
  fundingSource?: string;
  style?: { color?: string; shape?: string; height?: number; label?: string };
  [key: string]: unknown;
}

interface ApprovalMessage {
  source: "paypal-emulator";
  type: "approve" | "cancel";
  token: string;
  payerID?: string;
  subscriptionID?: string;
  billingToken?: string;
  facilitatorAccessToken?: string;
}

type FlowResult = { type: "approve"; message: ApprovalMessage } | { type: "cancel" } | { type: "abandoned" };

const FUNDING = {
  PAYPAL: "paypal",
  VENMO: "venmo",
  APPLEPAY: "applepay",
  ITAU: "itau",
  CREDIT: "credit",
  PAYLATER: "paylater",
  CARD: "card",
  IDEAL: "ideal",
  SEPA: "sepa",
  BANCONTACT: "bancontact",
  GIROPAY: "giropay",
  SOFORT: "sofort",
  EPS: "eps",
  MYBANK: "mybank",
  P24: "p24",
  BLIK: "blik",
} as const;

const BUTTON_COLORS: Record<string, readonly [background: string, text: string]> = {
  gold: ["#ffc439", "#003087"],
  blue: ["#0070ba", "#ffffff"],
  silver: ["#eeeeee", "#003087"],
  white: ["#ffffff", "#003087"],
  black: ["#2c2e2f", "#ffffff"],
};

/** After the popup closes, wait this long for its last message before calling it a cancel. */
const CLOSE_GRACE_MS = 400;

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  const namespaceName = script?.getAttribute("data-namespace") || "paypal";
  const host = window as unknown as Record<string, unknown>;
  // React StrictMode may insert the script twice: keep the first namespace.
  if ((host[namespaceName] as { __emulator?: boolean } | undefined)?.__emulator) return;

  const query = new URL(script?.src ?? window.location.href).searchParams;
  const vault = query.get("vault") === "true";
  const checkoutOrigin = new URL(__PAYPAL_EMULATOR_PUBLIC_URL__).origin;
  const checkoutUrl = (token: string) => `${__PAYPAL_EMULATOR_PUBLIC_URL__}/checkoutnow?token=${encodeURIComponent(token)}`;

  function Buttons(initial: ButtonsOptions = {}) {
    const options: ButtonsOptions = { ...initial };
    if (options.createOrder && options.createSubscription) throw new Error("Do not pass both createSubscription and createOrder");
    if (options.createSubscription && !vault) throw new Error("Must pass vault=true to the sdk to use createSubscription");
    const subscription = typeof options.createSubscription === "function";

    let wrapper: HTMLDivElement | undefined;
    let button: HTMLButtonElement | undefined;
    let disabled = false;
    let closed = false;
    /** The approval in progress: its popup, and how to end its wait when the component closes. */
    let flow: { popup: Window | null; abandon: () => void } | undefined;

    const reportError = (error: unknown) => {
      if (typeof options.onError === "function") options.onError(asError(error));
      else console.error(error);
    };

    const setDisabled = (value: boolean) => {
      disabled = value;
      button?.setAttribute("aria-disabled", String(value));
      return Promise.resolve();
    };

    function showOverlay(onFocus: () => void): () => void {
      const overlay = document.createElement("div");
      overlay.setAttribute("role", "dialog");
      overlay.setAttribute("aria-label", "PayPal checkout in progress");
      overlay.style.cssText =
        "position:fixed;inset:0;background:rgba(0,0,0,.6);color:#fff;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:1rem;font:16px system-ui,sans-serif;z-index:2147483647";
      const text = document.createElement("p");
      text.textContent = "Don't see the secure PayPal browser? We'll help you re-launch the window to complete your purchase.";
      text.style.cssText = "max-width:24rem;text-align:center";
      const focus = document.createElement("button");
      focus.type = "button";
      focus.textContent = "Click to Continue";
      focus.style.cssText = "padding:.5rem 1rem;border-radius:4px;border:0;background:#ffc439;color:#003087;font-weight:700;cursor:pointer";
      focus.addEventListener("click", onFocus);
      overlay.append(text, focus);
      document.body.appendChild(overlay);
      return () => overlay.remove();
    }

    function openPopup(url: string): Window | null {
      const width = 500;
      const height = 590;
      const left = Math.max(0, window.screenX + (window.outerWidth - width) / 2);
      const top = Math.max(0, window.screenY + (window.outerHeight - height) / 2);
      return window.open(url, `paypal_emulator_${Date.now()}`, `popup,width=${width},height=${height},left=${left},top=${top}`);
    }

    /** Waits for the approval page's postMessage (from the emulator's origin, for this token) or the popup closing. */
    function awaitDecision(token: string, popup: Window): Promise<FlowResult> {
      return new Promise((resolve) => {
        let closedSince: number | undefined;
        const finish = (result: FlowResult) => {
          window.removeEventListener("message", onMessage);
          clearInterval(poll);
          flow = undefined;
          resolve(result);
        };
        const onMessage = (event: MessageEvent) => {
          const message = event.data as ApprovalMessage | null;
          if (event.origin !== checkoutOrigin || message?.source !== "paypal-emulator" || message.token !== token) return;
          finish(message.type === "approve" ? { type: "approve", message } : { type: "cancel" });
        };
        const poll = setInterval(() => {
          if (!popup.closed) return;
          closedSince ??= Date.now();
          if (Date.now() - closedSince >= CLOSE_GRACE_MS) finish({ type: "cancel" });
        }, 100);
        window.addEventListener("message", onMessage);
        flow = { popup, abandon: () => finish({ type: "abandoned" }) };
      });
    }

    /** Sends the buyer to the approval page for `id` and runs onApprove/onCancel with PayPal's data shapes. */
    async function approve(id: string, openedPopup: Window | null): Promise<void> {
      let popup = openedPopup;
      if (popup && !popup.closed) popup.location.href = checkoutUrl(id);
      else popup = openPopup(checkoutUrl(id));
      if (!popup) {
        // Blocked (no user gesture, e.g. restart()): the real SDK falls back in-page; here the buyer clicks once more.
        offerRelaunch(id);
        return;
      }
      const opened = popup;
      const removeOverlay = showOverlay(() => opened.focus());
      const result = await awaitDecision(id, opened);
      removeOverlay();
      if (result.type === "abandoned") return;
      try {
        if (result.type === "cancel") {
          await options.onCancel?.({ orderID: id }, { redirect: (url: string) => window.location.assign(url) });
          return;
        }
        const { message } = result;
        const data = subscription
          ? { orderID: message.billingToken ?? id, subscriptionID: message.subscriptionID ?? id, payerID: message.payerID, facilitatorAccessToken: message.facilitatorAccessToken, paymentSource: "paypal" }
          : { orderID: id, payerID: message.payerID, paymentID: null, billingToken: null, facilitatorAccessToken: message.facilitatorAccessToken, paymentSource: "paypal" };
        await options.onApprove?.(data, {
          restart: () => {
            void approve(id, null).catch(reportError);
            return Promise.resolve();
          },
          redirect: (url?: string) => window.location.assign(url ?? window.location.href),
        });
      } catch (error) {
        reportError(error);
      }
    }

    function offerRelaunch(id: string): void {
      if (!wrapper) return;
      const relaunch = document.createElement("button");
      relaunch.type = "button";
      relaunch.textContent = "Continue to PayPal";
      relaunch.addEventListener("click", () => {
        relaunch.remove();
        void approve(id, openPopup(checkoutUrl(id))).catch(reportError);
      });
      wrapper.appendChild(relaunch);
    }

    async function onButtonClick(): Promise<void> {
      const data = { fundingSource: options.fundingSource ?? FUNDING.PAYPAL };
      const clickActions = { resolve: () => Promise.resolve(true), reject: () => Promise.resolve(false) };
      if (flow) {
        flow.popup?.focus();
        return;
      }
      if (disabled) {
        await options.onClick?.(data, clickActions);
        return;
      }
      // Opened synchronously inside the click, before any await, or the browser blocks it.
      const popup = openPopup("about:blank");
      let id: unknown;
      try {
        if (typeof options.onClick === "function" && (await options.onClick(data, clickActions)) === false) {
          popup?.close();
          return;
        }
        const unsupported = (name: string) => () => Promise.reject(new Error(`${name} is not supported by the PayPal emulator: call your server`));
        id = subscription
          ? await options.createSubscription?.({ paymentSource: data.fundingSource }, { subscription: { create: unsupported("actions.subscription.create") } })
          : await options.createOrder?.({ paymentSource: data.fundingSource }, { order: { create: unsupported("actions.order.create") } });
        if (typeof id !== "string" || id.length === 0) throw new Error(subscription ? "Expected a subscription id to be passed" : "Expected an order id to be passed");
      } catch (error) {
        popup?.close();
        reportError(error);
        return;
      }
      await approve(id, popup);
    }

    const colors = (style: ButtonsOptions["style"]) => BUTTON_COLORS[style?.color ?? "gold"] ?? (BUTTON_COLORS.gold as readonly [string, string]);

    return {
      isEligible: () => (options.fundingSource ?? FUNDING.PAYPAL) === FUNDING.PAYPAL,
      render(container: string | HTMLElement): Promise<void> {
        const element = typeof container === "string" ? document.querySelector<HTMLElement>(container) : container;
        if (!element) return Promise.reject(new Error(`Document is ready and element ${String(container)} does not exist`));
        if (closed) return Promise.reject(new Error("Buttons component was closed"));
        const [background, foreground] = colors(options.style);
        wrapper = document.createElement("div");
        wrapper.className = "paypal-buttons paypal-buttons-context-iframe";
        wrapper.dataset.paypalEmulator = "buttons";
        button = document.createElement("button");
        button.type = "button";
        button.setAttribute("aria-label", "PayPal");
        button.setAttribute("aria-disabled", String(disabled));
        button.innerHTML = '<span style="font-style:italic;font-weight:800;font-size:1.25em">Pay<span style="opacity:.8">Pal</span></span>';
        button.style.cssText = [
          "display:block;width:100%;min-width:150px;max-width:750px;border:0;cursor:pointer",
          `height:${options.style?.height ?? 45}px`,
          `border-radius:${options.style?.shape === "pill" ? "23px" : options.style?.shape === "sharp" ? "0" : "4px"}`,
          `background:${background};color:${foreground};font-family:Helvetica,Arial,sans-serif`,
        ].join(";");
        button.addEventListener("click", () => void onButtonClick().catch(reportError));
        wrapper.appendChild(button);
        element.appendChild(wrapper);
        options.onInit?.({}, { enable: () => setDisabled(false), disable: () => setDisabled(true) });
        return Promise.resolve();
      },
      close(): Promise<void> {
        closed = true;
        if (flow) {
          flow.popup?.close();
          flow.abandon();
        }
        wrapper?.remove();
        wrapper = undefined;
        button = undefined;
        return Promise.resolve();
      },
      updateProps(props: ButtonsOptions): Promise<void> {
        Object.assign(options, props);
        return Promise.resolve();
      },
    };
  }

  host[namespaceName] = {
    __emulator: true,
    version: "5.x",
    Buttons,
    FUNDING,
    isFundingEligible: (source: string) => source === FUNDING.PAYPAL,
    getFundingSources: () => Object.values(FUNDING),
  };
})();
