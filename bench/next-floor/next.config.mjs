// The framework floor for bench:pages: a default Next.js build of one dynamic page.
export default { poweredByHeader: false };
