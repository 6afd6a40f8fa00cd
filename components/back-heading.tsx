import Link from "next/link";

/** The top of a page below an incident: a link back to the incident, then the page's heading. */
export function BackHeading({ id, title, heading }: { id: string; title: string; heading: string }) {
  return (
    <>
      <p>
        <Link href={`/incidents/${id}`}>← {title}</Link>
      </p>
      <h1 style={{ fontSize: "1.3rem", margin: "0 0 .6rem" }}>{heading}</h1>
    </>
  );
}
