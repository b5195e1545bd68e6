import Markdown from "react-markdown";
import rehypeSanitize from "rehype-sanitize";

/**
 * A lesson's Markdown as React elements: raw HTML in it is not rendered (react-markdown's default) and the tree is
 * sanitised (rehype-sanitize, GitHub's schema) before it becomes markup, so no script or handler can come through.
 */
export function LessonMarkdown({ source }: { source: string }) {
  return (
    <div className="lesson-prose space-y-4 leading-relaxed text-slate-800 [&_a]:text-brand-800 [&_a]:underline [&_blockquote]:border-l-4 [&_blockquote]:border-slate-300 [&_blockquote]:pl-4 [&_blockquote]:text-slate-700 [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_h2]:mt-6 [&_h2]:text-xl [&_h2]:font-semibold [&_h2]:text-slate-900 [&_li]:ml-5 [&_ol]:list-decimal [&_ul]:list-disc">
      <Markdown rehypePlugins={[rehypeSanitize]}>{source}</Markdown>
    </div>
  );
}
