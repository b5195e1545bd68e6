import { Body, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";

/**
 * Every email the store sends, as React components (react-email): one layout, one component per notice. The text
 * part is rendered from the same markup (lib/email/render.ts), so the two never disagree.
 */
export type Line = { label: string; amount: string };

const brand = "#4338ca";
const styles = {
  body: { backgroundColor: "#f8fafc", fontFamily: "system-ui, -apple-system, Segoe UI, sans-serif", color: "#0f172a", margin: 0 },
  container: { backgroundColor: "#ffffff", border: "1px solid #e2e8f0", borderRadius: 12, margin: "24px auto", padding: "24px 28px", maxWidth: 560 },
  heading: { fontSize: 22, margin: "0 0 12px" },
  text: { fontSize: 15, lineHeight: "22px", margin: "0 0 12px" },
  small: { fontSize: 13, lineHeight: "20px", color: "#475569", margin: "0 0 6px" },
  row: { display: "flex", justifyContent: "space-between", fontSize: 15, padding: "6px 0", borderBottom: "1px solid #e2e8f0" },
  total: { display: "flex", justifyContent: "space-between", fontSize: 16, fontWeight: 700, padding: "10px 0 0" },
  button: { display: "inline-block", backgroundColor: brand, color: "#ffffff", borderRadius: 8, padding: "10px 18px", fontWeight: 600, textDecoration: "none" },
};

function Layout({ preview, title, children, footer }: { preview: string; title: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Text style={{ ...styles.small, color: brand, fontWeight: 700 }}>Coursepay</Text>
          <Heading as="h1" style={styles.heading}>
            {title}
          </Heading>
          {children}
          <Hr />
          <Text style={styles.small}>{footer ?? "You receive this email because of a payment on Coursepay. Keep it for your records."}</Text>
        </Container>
      </Body>
    </Html>
  );
}

function Lines({ lines, total }: { lines: Line[]; total?: Line }) {
  return (
    <Section>
      {lines.map((line) => (
        <div key={line.label} style={styles.row}>
          <span>{line.label}</span> <span>{line.amount}</span>
        </div>
      ))}
      {total && (
        <div style={styles.total}>
          <span>{total.label}</span> <span>{total.amount}</span>
        </div>
      )}
    </Section>
  );
}

function Facts({ facts }: { facts: [string, string][] }) {
  return (
    <Section style={{ margin: "16px 0" }}>
      {facts.map(([term, value]) => (
        <Text key={term} style={styles.small}>
          {term}: {value}
        </Text>
      ))}
    </Section>
  );
}

const Action = ({ href, label }: { href: string; label: string }) => (
  <Section style={{ margin: "20px 0" }}>
    <Link href={href} style={styles.button}>
      {label}
    </Link>
  </Section>
);

export type ReceiptProps = { name: string; lines: Line[]; total: string; provider: string; providerOrderId: string; captureId: string; orderId: string; receiptUrl: string; paidAt: string };

export function ReceiptEmail(p: ReceiptProps) {
  return (
    <Layout preview={`Your receipt: ${p.total} paid with ${p.provider}`} title="Payment received — you are enrolled">
      <Text style={styles.text}>Hi {p.name}, thank you! Your payment was received and your courses are ready in My courses.</Text>
      <Lines lines={p.lines} total={{ label: "Total paid", amount: p.total }} />
      <Facts
        facts={[
          ["Order number", p.orderId],
          ["Paid", p.paidAt],
          [`${p.provider} order ID`, p.providerOrderId],
          [`${p.provider} transaction ID`, p.captureId],
        ]}
      />
      <Action href={p.receiptUrl} label="View your receipt" />
    </Layout>
  );
}

export type PendingProps = { name: string; lines: Line[]; total: string; provider: string; orderId: string; receiptUrl: string };

export function PaymentPendingEmail(p: PendingProps) {
  return (
    <Layout preview={`${p.provider} is clearing your payment of ${p.total}`} title="Your payment is pending">
      <Text style={styles.text}>
        Hi {p.name}, {p.provider} is holding your payment of {p.total} until it clears (a bank transfer can take a few days). You will be enrolled
        automatically as soon as it completes, and we will email you then. Nothing else to do.
      </Text>
      <Lines lines={p.lines} total={{ label: "Total", amount: p.total }} />
      <Facts facts={[["Order number", p.orderId]]} />
      <Action href={p.receiptUrl} label="Follow your payment" />
    </Layout>
  );
}

export type FailedProps = { name: string; total: string; provider: string; orderId: string; retryUrl: string };

export function PaymentFailedEmail(p: FailedProps) {
  return (
    <Layout preview={`Your payment of ${p.total} did not go through`} title="Your payment did not go through">
      <Text style={styles.text}>
        Hi {p.name}, the payment of {p.total} that {p.provider} was clearing was declined, so no money was taken and you were not enrolled. You can
        pay again another way whenever you like.
      </Text>
      <Facts facts={[["Order number", p.orderId]]} />
      <Action href={p.retryUrl} label="Go to your cart" />
    </Layout>
  );
}

export type RefundProps = { name: string; refunded: Line[]; amount: string; provider: string; orderId: string; receiptUrl: string; reversal: boolean };

export function RefundEmail(p: RefundProps) {
  const what = p.reversal ? "reversed" : "refunded";
  return (
    <Layout preview={`${p.amount} ${what} to your ${p.provider} account`} title={p.reversal ? "Your payment was reversed" : "Your refund was issued"}>
      <Text style={styles.text}>
        Hi {p.name}, {p.amount} was {what} to your {p.provider} account. Access to the courses below has ended.
      </Text>
      <Lines lines={p.refunded} total={{ label: p.reversal ? "Reversed" : "Refunded", amount: p.amount }} />
      <Facts facts={[["Order number", p.orderId]]} />
      <Action href={p.receiptUrl} label="View the order" />
    </Layout>
  );
}

export type SubscriptionNoticeProps = { name: string; product: string; headline: string; text: string; actionUrl: string; actionLabel: string };

export function SubscriptionNoticeEmail(p: SubscriptionNoticeProps) {
  return (
    <Layout preview={`${p.product}: ${p.headline}`} title={`${p.product}: ${p.headline}`} footer="You receive this email because you subscribe on Coursepay.">
      <Text style={styles.text}>
        Hi {p.name}, {p.text}
      </Text>
      <Action href={p.actionUrl} label={p.actionLabel} />
    </Layout>
  );
}

export function ConfirmEmailEmail(p: { name: string; email: string; link: string }) {
  return (
    <Layout preview="Confirm your new email address" title="Confirm your new email address" footer="You receive this email because someone asked to use this address for a Coursepay account. If it was not you, ignore it: nothing changes.">
      <Text style={styles.text}>
        Hi {p.name}, open the link below within 24 hours to use {p.email} for your Coursepay account. Until then, your account keeps its current address.
      </Text>
      <Action href={p.link} label="Confirm this address" />
    </Layout>
  );
}
