/** The emulator's learner-facing pages: plain, accessible HTML (no script), like an LMS's course landing pages. */
export type DemoCourse = { id: string; title: string; classId: string; currency: string; price: string; blurb: string };

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const layout = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · Demo LMS</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1e293b; background: #f8fafc; }
  header { background: #134e4a; color: #fff; padding: 12px 20px; display: flex; justify-content: space-between; flex-wrap: wrap; gap: 8px; }
  header a { color: #fff; }
  main { max-width: 760px; margin: 0 auto; padding: 20px; }
  .card { background: #fff; border: 1px solid #cbd5e1; border-radius: 12px; padding: 16px 20px; margin: 16px 0; }
  h1 { font-size: 1.6rem; margin: 8px 0; } h2 { font-size: 1.2rem; margin: 0 0 4px; }
  button { font: inherit; font-weight: 600; background: #0f766e; color: #fff; border: 0; border-radius: 8px; padding: 10px 18px; cursor: pointer; }
  button:focus-visible, a:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
  .enrolled { background: #dcfce7; border: 1px solid #86efac; border-radius: 8px; padding: 10px 14px; font-weight: 600; }
  .muted { color: #475569; font-size: .9rem; }
</style></head>
<body><header><strong>Demo LMS</strong><span>local emulator of an LMS's external enrolment</span></header><main>${body}</main></body></html>`;

const joinForm = (gatewayUrl: string, token: string, course: DemoCourse) => `
  <form method="POST" action="${escape(gatewayUrl)}">
    <input type="hidden" name="jwt" value="${escape(token)}">
    <button type="submit" aria-label="Join now: ${escape(course.title)}">Join now — ${escape(course.currency)} ${escape(course.price)}</button>
  </form>`;

export function homePage({ courses, tokens, gatewayUrl, learner, publicKeyPem }: { courses: DemoCourse[]; tokens: string[]; gatewayUrl: string; learner: string; publicKeyPem: string }): string {
  const cards = courses
    .map(
      (course, i) => `<section class="card" aria-labelledby="c-${course.id}">
        <h2 id="c-${course.id}"><a href="/courses/${course.id}?learner=${encodeURIComponent(learner)}">${escape(course.title)}</a></h2>
        <p>${escape(course.blurb)}</p>${joinForm(gatewayUrl, tokens[i]!, course)}</section>`,
    )
    .join("");
  return layout(
    "Courses",
    `<h1>Courses</h1><p class="muted">Signed in as learner <strong>${escape(learner)}</strong> (change with <code>?learner=</code>). "Join now" sends you to the school's payment page with a token that expires in 10 minutes.</p>${cards}
     <section class="card" aria-labelledby="key"><h2 id="key">Public key for the store's connection</h2>
     <p class="muted">Paste it into the store's LMS connection (Admin → LMS connections). Tokens are RS256, for audience the connection names; events from the store are listed on <a href="/events">Events</a>.</p>
     <pre>${escape(publicKeyPem)}</pre></section>`,
  );
}

export function coursePage({ course, token, gatewayUrl, learner, enrolled }: { course: DemoCourse; token: string | null; gatewayUrl: string; learner: string; enrolled: boolean }): string {
  const action = enrolled
    ? `<p class="enrolled" role="status">You are enrolled in ${escape(course.classId)}. Welcome to the class!</p>`
    : joinForm(gatewayUrl, token!, course);
  return layout(
    course.title,
    `<p><a href="/?learner=${encodeURIComponent(learner)}">All courses</a></p>
     <article class="card"><h1>${escape(course.title)}</h1><p>${escape(course.blurb)}</p>
     <p class="muted">Class ${escape(course.classId)} · learner ${escape(learner)}</p>${action}</article>`,
  );
}

export function eventsPage(events: { id: string; type: string; data: unknown; receivedAt: string }[], listening: boolean): string {
  const rows = [...events]
    .reverse()
    .map((e) => `<li class="card"><strong>${escape(e.type)}</strong> <span class="muted">${escape(e.id)} · ${escape(e.receivedAt)}</span><pre>${escape(JSON.stringify(e.data, null, 2))}</pre></li>`)
    .join("");
  const state = listening ? "Signatures are checked with the endpoint's secret." : "No signing secret yet: set LMS_EMULATOR_WEBHOOK_SECRET (or POST /__emulator/webhook).";
  return layout("Events from the store", `<h1>Events from the store</h1><p class="muted">${state} Each event is kept once, however often it is delivered.</p><ul style="list-style:none;padding:0">${rows || "<li>No event yet.</li>"}</ul>`);
}
