export const dynamic = "force-dynamic";
export default function Page() {
  return <main><h1>Course catalog</h1><p>The smallest dynamic page Next.js serves: React and Next&apos;s client runtime, nothing else.</p></main>;
}
