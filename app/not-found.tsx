import Link from "next/link";

export default function NotFound() {
  return (
    <section className="panel">
      <h2>Not found</h2>
      <p>
        This incident does not exist (or the link is no longer valid). <Link href="/">Back to incidents</Link>
      </p>
    </section>
  );
}
