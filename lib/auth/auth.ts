import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import type { UserRole } from "@/db/schema";
import { log } from "@/lib/log";
import { verifyCredentials } from "./accounts";
import { clientIp } from "@/lib/http/forwarded";
import { signInSchema } from "./schemas";

declare module "next-auth" {
  interface User {
    role?: UserRole;
  }
  interface Session {
    user: { id: string; email: string; name: string; role: UserRole };
  }
}

/** Surfaces as `error.code === "rate_limited"` to the sign-in action. */
export class SignInRateLimited extends CredentialsSignin {
  override code = "rate_limited";
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  // JWT sessions: no session table to query on every request; the role is re-read from the database
  // wherever it grants something (lib/auth/session.ts), so a demoted admin loses access immediately.
  session: { strategy: "jwt", maxAge: 7 * 24 * 60 * 60 },
  pages: { signIn: "/sign-in" },
  trustHost: true,
  // A failed sign-in is logged once, as one line, by verifyCredentials; Auth.js would add its stack trace.
  logger: {
    error(error) {
      if (error instanceof CredentialsSignin) return;
      log.error({ err: { name: error.name, message: error.message } }, "auth error");
    },
    warn(code) {
      log.warn({ auth: code }, "auth warning");
    },
    debug() {},
  },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = signInSchema.safeParse(raw);
        if (!parsed.success) return null;
        const result = await verifyCredentials(getDb(), { ...parsed.data, ip: clientIp(request.headers) });
        if (result.ok) return result.user;
        if (result.reason === "rate_limited") throw new SignInRateLimited();
        return null;
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        token.role = user.role;
      }
      return token;
    },
    session({ session, token }) {
      if (token.sub) {
        session.user.id = token.sub;
        session.user.role = (token.role as UserRole | undefined) ?? "student";
      }
      return session;
    },
  },
});
