/**
 * PayPal-shaped identifiers. Shapes follow what PayPal returns (see the reference, §11): clients validate ids
 * with patterns such as `^[A-Z0-9]+$`, so the emulator must never hand out something PayPal could not.
 */
import { randomFillSync, randomUUID } from "node:crypto";

const UPPER_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/** PayPal's payer/merchant id alphabet: digits 2-9 and letters without I and O (32 symbols). */
const PAYER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const HEX = "0123456789abcdef";

// One syscall per 4 KiB of ids instead of one per id: ids are minted on the hot path of every create/capture.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomBytes(count: number): Buffer {
  if (poolOffset + count > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const slice = pool.subarray(poolOffset, poolOffset + count);
  poolOffset += count;
  return slice;
}

function randomString(length: number, alphabet: string): string {
  const bytes = randomBytes(length);
  let out = "";
  // 256 is not a multiple of 36, so `% 36` is very slightly biased; irrelevant for test identifiers.
  for (let i = 0; i < length; i++) out += alphabet[(bytes[i] as number) % alphabet.length];
  return out;
}

/** Orders, captures, refunds, webhook listeners: 17 uppercase alphanumerics, e.g. `5O190127TN364715T`. */
export const resourceId = (): string => randomString(17, UPPER_ALNUM);
/** Payer and merchant ids: 13 characters from `[2-9A-HJ-NP-Z]`. */
export const payerId = (): string => randomString(13, PAYER_ALPHABET);
export const webhookEventId = (): string => `WH-${resourceId()}-${resourceId()}`;
export const subscriptionId = (): string => `I-${randomString(12, UPPER_ALNUM)}`;
export const planId = (): string => `P-${randomString(24, UPPER_ALNUM)}`;
export const productId = (): string => `PROD-${resourceId()}`;
export const billingAgreementToken = (): string => `BA-${resourceId()}`;
export const appId = (): string => `APP-${resourceId()}`;
export const debugId = (): string => randomString(13, HEX);
export const transmissionId = (): string => randomUUID();
export const certificateId = (): string =>
  `CERT-${randomString(8, HEX)}-${randomString(8, HEX)}-${randomString(8, HEX)}`;
/** Opaque bearer tokens; real ones start with `A21AA`. */
export const accessToken = (): string => `A21AA${randomBytes(48).toString("base64url")}`;
export const nonceSuffix = (): string => randomBytes(32).toString("base64url").slice(0, 43);
export const opaqueToken = (length: number): string => randomBytes(length).toString("base64url").slice(0, length);
