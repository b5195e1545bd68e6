/**
 * Signing in to a running app over plain HTTP, as a browser's form post would (Auth.js's credentials callback
 * with its CSRF double-submit cookie), for benchmarks and process tests that drive the app from outside.
 */

/** Every `name=value` a response sets, merged over the cookies sent. */
function mergeCookies(jar: Map<string, string>, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const at = pair!.indexOf("=");
    if (at > 0) jar.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
  }
}

const cookieHeader = (jar: Map<string, string>) => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");

/** Signs in with email and password; resolves to the Cookie header of the session, or throws with the reason. */
export async function signInOverHttp(baseUrl: string, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  mergeCookies(jar, csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar) },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: baseUrl }).toString(),
  });
  mergeCookies(jar, response);
  const session = [...jar.keys()].find((name) => name.endsWith("authjs.session-token"));
  if (!session) throw new Error(`sign-in as ${email} failed: HTTP ${response.status} ${response.headers.get("location") ?? ""}`);
  return `${session}=${jar.get(session)}`;
}
