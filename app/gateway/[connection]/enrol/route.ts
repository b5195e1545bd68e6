import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/db/client";
import { browserHash, GATEWAY_COOKIE, gatewayCookie, newBrowserToken, tokenFromCookie } from "@/lib/gateway/browser";
import { acceptHandoff } from "@/lib/gateway/handoffs";
import { readBodyUpTo } from "@/lib/http/body";
import { storeOrigin } from "@/lib/http/origin";

/** A handoff form carries one JWT of a few hundred bytes; anything far larger is not one. */
const MAX_BODY_BYTES = 16_384;

/**
 * The LMS's "Join now": a form POST with one field, `jwt` (lib/gateway/handoffs.ts checks it). A valid token becomes
 * this browser's handoff and the learner is sent (303, so a reload repeats the GET, not the POST) to its payment
 * page; a refused one to a page that says why. Nothing is created for a refused token.
 */
export async function POST(request: NextRequest, { params }: { params: Promise<{ connection: string }> }) {
  const origin = await storeOrigin();
  const body = await readBodyUpTo(request, MAX_BODY_BYTES);
  const jwt = body === "too-large" ? null : new URLSearchParams(body.toString("utf8")).get("jwt");
  if (!jwt) return NextResponse.redirect(`${origin}/join/refused?reason=malformed`, 303);

  // The browser's signed token if it has one (several "Join now" presses share it), else a new one.
  const token = tokenFromCookie(request.cookies.get(GATEWAY_COOKIE)?.value) ?? newBrowserToken();
  const accepted = await acceptHandoff(getDb(), (await params).connection, jwt, browserHash(token)!);
  if (!accepted.ok) return NextResponse.redirect(`${origin}/join/refused?reason=${accepted.reason}`, 303);

  const response = NextResponse.redirect(`${origin}/join/${accepted.handoffId}`, 303);
  response.cookies.set(gatewayCookie(token, origin.startsWith("https:")));
  return response;
}
