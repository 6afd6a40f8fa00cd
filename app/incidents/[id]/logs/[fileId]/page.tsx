import Link from "next/link";
import { notFound } from "next/navigation";
import { app } from "@/lib/server/app";
import { canEdit, pageIncidentAccess } from "@/lib/auth/access";
import { lineContext } from "@/lib/explore/context";
import { ContextQuery } from "@/lib/explore/schema";

type Props = {
  params: Promise<{ id: string; fileId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

const mono: React.CSSProperties = {
  fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace",
  fontSize: ".78rem",
  whiteSpace: "pre-wrap",
  wordBreak: "break-all",
};

/** One line of a stored log in context: the physical lines around it, blank lines and stack traces included. */
export default async function LineContextPage({ params, searchParams }: Props) {
  const { id, fileId } = await params;
  const viewer = await pageIncidentAccess(id);
  const sp = await searchParams;
  const parsed = ContextQuery.safeParse({
    file: fileId,
    line: typeof sp.line === "string" ? sp.line : "1",
    around: typeof sp.around === "string" ? sp.around : undefined,
  });
  if (!parsed.success) notFound();
  const q = parsed.data;
  const { db, store } = app();
  const ctx = await lineContext(db, store, id, q, { maskClientIds: !canEdit(viewer) });
  if (!ctx) notFound();
  const at = (line: number, around = q.around) =>
    `/incidents/${id}/logs/${fileId}?line=${line}${around !== 10 ? `&around=${around}` : ""}#L${line}`;
  const first = ctx.lines[0]?.lineNo ?? q.line;
  const last = ctx.lines.at(-1)?.lineNo ?? q.line;

  return (
    <>
      <section className="panel">
        <p>
          <Link href={`/incidents/${id}/logs`}>← log explorer</Link> · <Link href={`/incidents/${id}`}>incident</Link>
        </p>
        <h1 style={{ fontSize: "1.2rem", margin: "0 0 .4rem", wordBreak: "break-all" }}>
          {ctx.file}, line {q.line}
        </h1>
        <p className="muted">
          Lines {first}–{last} of the stored file (secrets redacted at upload).
        </p>
      </section>
      <section className="panel" aria-label="Lines in context">
        {first > 1 && (
          <p>
            <Link href={at(Math.max(1, first - q.around - 1))}>↑ earlier lines</Link>
          </p>
        )}
        <table data-testid="context-lines">
          <tbody>
            {ctx.lines.map((l) => (
              <tr
                key={l.lineNo}
                id={`L${l.lineNo}`}
                data-line-no={l.lineNo}
                aria-current={l.lineNo === q.line ? "true" : undefined}
                style={l.lineNo === q.line ? { background: "var(--note-bg)" } : undefined}
              >
                <td className="num muted" style={{ width: "5rem" }}>
                  <Link href={at(l.lineNo)}>{l.lineNo}</Link>
                </td>
                <td style={mono}>{l.text || " "}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {ctx.lines.length === 0 && <p className="muted">The file has no line {q.line}.</p>}
        {!ctx.atEnd ? (
          <p>
            <Link href={at(last + q.around + 1)}>↓ later lines</Link>
          </p>
        ) : (
          <p className="muted">End of file.</p>
        )}
        <p className="muted">
          Show <Link href={at(q.line, 50)}>±50</Link> · <Link href={at(q.line, 200)}>±200</Link> lines
        </p>
      </section>
    </>
  );
}
