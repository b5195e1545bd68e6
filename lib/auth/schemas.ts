import { domainToASCII, domainToUnicode } from "node:url";
import { z } from "zod";

/**
 * Characters that change how text around them is shown without being seen themselves: controls, bidirectional
 * overrides and isolates (a certificate once rendered "evil" as "live"), invisible format characters, line and
 * paragraph separators. Zero-width (non-)joiners stay allowed: Persian and Indic names need them.
 */
const INVISIBLE = /[\p{Cc}\p{Zl}\p{Zp}]|(?![\u200C\u200D])\p{Cf}/u;

/** A person's name as they write it: trimmed, NFC, at most 100 characters, nothing invisible. */
export const personNameSchema = z
  .string({ error: "Enter your name." })
  .transform((value) => value.normalize("NFC").trim())
  .pipe(
    z
      .string()
      .min(1, { error: "Enter your name." })
      .max(100, { error: "Use at most 100 characters." })
      .refine((value) => !INVISIBLE.test(value), { error: "Your name contains invisible or control characters. Type it again without them." }),
  );

/** RFC 5322 atext, plus any letter, mark or digit of any script (RFC 6531's internationalised local parts). */
const LOCAL_PART = /^[\p{L}\p{M}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{M}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const ASCII_DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * An email address, normalised once, here: trimmed, NFC, lower-cased (addresses are compared case-insensitively),
 * the domain in its canonical Unicode form (an IDN typed as punycode or in capitals is the same address).
 * Returns null when it is not an address.
 */
export function normaliseEmail(input: string): string | null {
  const value = input.normalize("NFC").trim();
  const at = value.lastIndexOf("@");
  if (at <= 0 || INVISIBLE.test(value)) return null;
  const local = value.slice(0, at).toLowerCase();
  const ascii = domainToASCII(value.slice(at + 1));
  if (!ascii || !ASCII_DOMAIN.test(ascii)) return null;
  if (Buffer.byteLength(local) > 64 || !LOCAL_PART.test(local)) return null;
  const address = `${local}@${domainToUnicode(ascii)}`;
  return address.length <= 254 ? address : null;
}

export const emailSchema = z.string({ error: "Enter your email address." }).transform((value, ctx) => {
  if (!value.trim()) {
    ctx.addIssue({ code: "custom", message: "Enter your email address." });
    return z.NEVER;
  }
  const email = normaliseEmail(value);
  if (email === null) {
    ctx.addIssue({ code: "custom", message: "Enter a valid email address." });
    return z.NEVER;
  }
  return email;
});

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string({ error: "Enter your password." }).min(1, { error: "Enter your password." }).max(200),
});

export const passwordSchema = z
  .string({ error: "Choose a password." })
  .min(10, { error: "Use at least 10 characters." })
  .max(200, { error: "Use at most 200 characters." });

export const signUpSchema = z.object({
  name: personNameSchema,
  email: emailSchema,
  password: passwordSchema,
});

export type SignInInput = z.infer<typeof signInSchema>;
export type SignUpInput = z.infer<typeof signUpSchema>;
