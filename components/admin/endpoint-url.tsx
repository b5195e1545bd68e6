import { CopyButton } from "./copy-button";

/** The URL an LMS admin pastes into the LMS (OpenLearning: "External Enrolment URL"). */
export function EndpointUrl({ url }: { url: string }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-brand-50 p-4">
      <p className="text-sm font-semibold text-slate-900">External enrolment URL</p>
      <p className="mt-1 text-sm text-slate-700">Paste this into the LMS (OpenLearning: Course Setup → Advanced settings → External Enrolment URL).</p>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <code className="break-all rounded bg-white px-2 py-1 text-sm text-slate-900">{url}</code>
        <CopyButton text={url} label="Copy URL" />
      </div>
    </div>
  );
}
